/**
 * Coding challenges over REST. Any link may fetch a challenge (statement, starter, test vectors);
 * only interviewers and observers may read its reference implementation.
 */
import { Router } from 'express';
import type { ChallengeListResponse, ChallengeReferenceResponse } from '../../shared/challengeSpec.js';
import type { ChallengeRegistry } from '../challenges/registry.js';
import type { Store } from '../store/port.js';
import { requireCapability } from './auth.js';
import { HttpError } from './errors.js';

export interface ChallengesDeps {
  store: Store;
  challenges: ChallengeRegistry;
}

export function challengesRouter({ store, challenges }: ChallengesDeps): Router {
  const r = Router({ mergeParams: true });
  const unknown = (id: string) => new HttpError(404, 'unknown_challenge', `No challenge "${id}".`);

  r.get('/challenges', requireCapability(store, 'challenges.read'), (_req, res) => {
    const body: ChallengeListResponse = { challenges: challenges.list() };
    res.json(body);
  });

  r.get('/challenges/:challengeId', requireCapability(store, 'challenges.read'), async (req, res) => {
    const id = String(req.params.challengeId);
    const view = await challenges.forClient(id);
    if (!view) throw unknown(id);
    res.json(view);
  });

  r.get('/challenges/:challengeId/reference', requireCapability(store, 'challenge.reference.read'), async (req, res) => {
    const id = String(req.params.challengeId);
    const source = await challenges.referenceSource(id);
    if (source === undefined) throw unknown(id);
    const body: ChallengeReferenceResponse = { id, source };
    res.json(body);
  });

  return r;
}
