/**
 * Who an interviewer can run the pad on: the candidates in the room, from awareness (whose
 * `user.role` the server stamps from the link, so it cannot be faked by a client).
 */
import { can } from '../../shared/capabilities.js';
import type { RunBackend } from '../../shared/doc.js';
import { readAwarenessUser } from '../room/presence.js';
import { RUN_BACKENDS } from './backend.js';

export interface RemoteTarget {
  clientId: number;
  name: string;
  color: string;
  /** false when the candidate switched remote runs off */
  allowed: boolean;
  /** the candidate's warm runner, once it has probed its backend */
  runner: { backend: RunBackend; adapter: string } | null;
}

export function readRunnerInfo(state: unknown): { backend: RunBackend; adapter: string } | null {
  const runner = (state as { runner?: unknown } | null)?.runner;
  if (typeof runner !== 'object' || runner === null) return null;
  const { backend, adapter } = runner as Record<string, unknown>;
  if (typeof backend !== 'string' || !(RUN_BACKENDS as readonly string[]).includes(backend) || typeof adapter !== 'string') return null;
  return { backend: backend as RunBackend, adapter: adapter.slice(0, 120) };
}

/** Candidates other than `selfId`, by name. */
export function remoteTargets(states: ReadonlyMap<number, unknown>, selfId: number): RemoteTarget[] {
  const targets: RemoteTarget[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfId) continue;
    const user = readAwarenessUser(state);
    if (!user || !can(user.role, 'runs.remote.host')) continue;
    targets.push({
      clientId,
      name: user.name,
      color: user.color,
      allowed: (state as { allowRemoteRuns?: unknown }).allowRemoteRuns !== false,
      runner: readRunnerInfo(state),
    });
  }
  return targets.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

/** "Cam · webgpu · swiftshader (software)", "Cam · remote runs off", "Cam · runner starting…" */
export function targetLabel(target: RemoteTarget): string {
  if (!target.allowed) return `${target.name} · remote runs off`;
  if (!target.runner) return `${target.name} · runner starting…`;
  return `${target.name} · ${target.runner.backend} · ${target.runner.adapter}`;
}

/** Whether the awareness state of `clientId` is an interviewer (for accepting a remote run request). */
export function isInterviewer(states: ReadonlyMap<number, unknown>, clientId: number): boolean {
  const user = readAwarenessUser(states.get(clientId));
  return user !== null && can(user.role, 'runs.remote.request');
}
