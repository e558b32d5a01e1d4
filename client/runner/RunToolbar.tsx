import type { ReactNode } from 'react';
import { can } from '../../shared/capabilities.js';
import { modKeyLabel } from '../lib/keyboard.js';
import { BACKEND_CHOICES } from './backend.js';
import { MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from './pool.js';
import type { BackendChoice, BackendInfo } from './protocol.js';
import { targetLabel, type RemoteTarget } from './targets.js';

export type RunTarget = 'self' | number;

export interface ChallengeStatus {
  id: string;
  phase: 'loading' | 'ready' | 'error';
  title?: string;
  message?: string;
}

interface RunToolbarProps {
  role: 'interviewer' | 'candidate';
  /** false until the runner has started (a second after the room opens) */
  available: boolean;
  info: BackendInfo | null;
  backend: BackendChoice;
  onBackend: (choice: BackendChoice) => void;
  timeoutSeconds: number;
  onTimeoutSeconds: (seconds: number) => void;
  targets: RemoteTarget[];
  target: RunTarget;
  onTarget: (target: RunTarget) => void;
  /** a run of mine (here or remote) is in progress */
  busy: boolean;
  onRun: () => void;
  onCheck: () => void;
  onStop: () => void;
  challenge: ChallengeStatus | null;
  onInsertStarter: () => void;
  allowRemote: boolean;
  onAllowRemote: (allow: boolean) => void;
}

/** [Run] [backend] [target] [Check] [Stop] [timeout] … [insert starter] [allow remote runs] */
export function RunToolbar(props: RunToolbarProps) {
  const { role, available, info, backend, busy, challenge, target, targets } = props;
  const mod = modKeyLabel();
  const remote = target === 'self' ? null : (targets.find((t) => t.clientId === target) ?? null);
  const remoteBlocked = remote !== null && !remote.allowed;
  const canRun = available && !busy && !remoteBlocked;
  const where = remote ? ` on ${remote.name}'s machine` : '';

  let runLabel: ReactNode = remote ? `Run on ${remote.name}` : 'Run';
  if (busy) runLabel = (
    <>
      <span className="spinner spinner-inline" aria-hidden="true" /> Running…
    </>
  );

  return (
    <>
      <div className="run-row">
        <div className="run-group">
          <button
            type="button"
            className="button button-small button-primary"
            data-testid="run"
            disabled={!canRun}
            onClick={props.onRun}
            title={`Run the pad's code${where} (${mod}+Enter)`}
          >
            {!busy && <span aria-hidden="true">▶</span>}
            {runLabel}
          </button>
          <select
            className="select select-small run-backend-select"
            data-testid="backend-select"
            aria-label="tfjs backend"
            title="Which tfjs backend runs the code: auto picks webgpu if an adapter exists, else webgl, wasm, cpu"
            value={backend}
            onChange={(event) => props.onBackend(event.target.value as BackendChoice)}
          >
            {BACKEND_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {choice === 'auto' && info && backend === 'auto' ? `auto (${info.backend})` : choice}
              </option>
            ))}
          </select>
        </div>

        {can(role, 'runs.remote.request') && (
          <select
            className="select select-small run-target-select"
            data-testid="run-target"
            aria-label="Where the code runs"
            value={String(target)}
            onChange={(event) => props.onTarget(event.target.value === 'self' ? 'self' : Number(event.target.value))}
          >
            <option value="self">My browser</option>
            {targets.map((t) => (
              <option key={t.clientId} value={String(t.clientId)} disabled={!t.allowed}>
                {`Candidate's GPU: ${targetLabel(t)}`}
              </option>
            ))}
          </select>
        )}

        {challenge && (
          <button
            type="button"
            className="button button-small"
            data-testid="check"
            disabled={!canRun || challenge.phase === 'error'}
            onClick={props.onCheck}
            title={challenge.phase === 'error' ? challenge.message : `Run your function against the challenge's test cases${where}`}
          >
            ✓ Check
          </button>
        )}

        <button
          type="button"
          className="button button-small"
          data-testid="stop"
          disabled={!busy}
          onClick={props.onStop}
          title="Stop the run and terminate its worker (Esc)"
        >
          ■ Stop
        </button>

        <span className="pane-header-spacer" />
        <label className="run-timeout" title="Hard timeout: the worker is terminated after this many seconds">
          <span className="muted small">timeout</span>
          <input
            className="input run-timeout-input"
            data-testid="timeout-input"
            type="number"
            inputMode="numeric"
            min={MIN_TIMEOUT_MS / 1000}
            max={MAX_TIMEOUT_MS / 1000}
            step={1}
            value={props.timeoutSeconds}
            onChange={(event) => props.onTimeoutSeconds(Number(event.target.value))}
          />
          <span className="muted small">s</span>
        </label>
      </div>

      <div className="run-row run-row-secondary">
        <span className="run-info" data-testid="runner-info" title={info?.fallbackReason ?? (info ? `${info.backend} · ${info.adapter}` : undefined)}>
          {runnerInfo(remote, info, available)}
        </span>
        {remoteBlocked && (
          <span className="chip chip-warning" data-testid="remote-runs-off">
            {remote.name} switched remote runs off
          </span>
        )}

        <span className="pane-header-spacer" />

        {challenge?.phase === 'ready' && (
          <button type="button" className="button button-small button-ghost" data-testid="insert-starter" onClick={props.onInsertStarter} title={challenge.title}>
            Insert starter code
          </button>
        )}
        {can(role, 'runs.remote.host') && (
          <label className="run-allow small" title="When on, an interviewer can run the pad's code in this browser, on your GPU">
            <input type="checkbox" data-testid="allow-remote-runs" checked={props.allowRemote} onChange={(event) => props.onAllowRemote(event.target.checked)} />
            Allow interviewer runs on my machine
          </label>
        )}
      </div>
    </>
  );
}

/** What runs the next Run: this browser's warm worker, or the chosen candidate's. */
function runnerInfo(remote: RemoteTarget | null, info: BackendInfo | null, available: boolean): string | null {
  if (remote) {
    if (!remote.allowed) return null;
    return remote.runner ? `${remote.name}: ${remote.runner.backend} · ${remote.runner.adapter}` : `${remote.name}'s runner is starting…`;
  }
  if (info) return `${info.backend} · ${info.adapter}`;
  return available ? 'starting the runner…' : null;
}
