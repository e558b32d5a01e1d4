import { useEffect, useState } from 'react';
import type { ChallengeForClient } from '../../shared/challenge.js';
import type { RunnerController } from './RunnerController.js';
import type { ChallengeStatus } from './RunToolbar.js';

/**
 * Loads the current question's challenge as soon as it is set: the toolbar's status (Check and
 * the starter code need it) and the spec itself for the brief beside the pad. The controller
 * caches it, so the brief and Check share one request.
 */
export function useChallenge(controller: RunnerController | null, challengeId: string | null): { status: ChallengeStatus | null; spec: ChallengeForClient | null } {
  const [state, setState] = useState<{ status: ChallengeStatus | null; spec: ChallengeForClient | null }>({ status: null, spec: null });
  useEffect(() => {
    if (!challengeId) {
      setState({ status: null, spec: null });
      return;
    }
    setState({ status: { id: challengeId, phase: 'loading' }, spec: null });
    if (!controller) return;
    let live = true;
    controller.challenge(challengeId).then(
      (spec) => live && setState({ status: { id: challengeId, phase: 'ready', title: spec.title }, spec }),
      (error: unknown) =>
        live && setState({ status: { id: challengeId, phase: 'error', message: `The challenge could not be loaded: ${error instanceof Error ? error.message : String(error)}` }, spec: null }),
    );
    return () => {
      live = false;
    };
  }, [controller, challengeId]);
  return state;
}
