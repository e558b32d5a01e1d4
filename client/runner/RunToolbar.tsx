import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { can } from '../../shared/capabilities.js';
import { modKeyLabel } from '../lib/keyboard.js';
import { useElementWidth } from '../lib/useElementWidth.js';
import { BACKEND_CHOICES } from './backend.js';
import { MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from './pool.js';
import type { BackendChoice, BackendInfo } from './protocol.js';
import { runToolbarPlacement } from './runToolbarLayout.js';
import { targetLabel, type RemoteTarget } from './targets.js';
import './run-toolbar.css';

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

/**
 * One row above the pad: [Run | backend] [target] [Check] [Stop] [Insert starter] … [info] [⋯].
 * The row never wraps: when it is too narrow for everything (runToolbarLayout.ts), the pickers
 * and the starter button move into the ⋯ menu, which always holds the timeout and the
 * candidate's "allow interviewer runs" switch. Run, Check and Stop are always in the row.
 */
export function RunToolbar(props: RunToolbarProps) {
  const { role, available, info, backend, busy, challenge, target, targets } = props;
  const mod = modKeyLabel();
  const remote = target === 'self' ? null : (targets.find((t) => t.clientId === target) ?? null);
  const remoteBlocked = remote !== null && !remote.allowed;
  const canRun = available && !busy && !remoteBlocked;
  const where = remote ? ` on ${remote.name}'s machine` : '';
  const [rowRef, rowWidth] = useElementWidth<HTMLDivElement>();
  const { pickersInRow } = runToolbarPlacement(rowWidth);
  const [menuOpen, setMenuOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  useDismiss(menu, menuOpen, () => setMenuOpen(false));

  let runLabel: ReactNode = remote ? `Run on ${remote.name}` : 'Run';
  if (busy) runLabel = (
    <>
      <span className="spinner spinner-inline" aria-hidden="true" /> Running…
    </>
  );

  const backendSelect = (
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
  );
  const targetSelect = can(role, 'runs.remote.request') ? (
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
  ) : null;
  const starterButton =
    challenge?.phase === 'ready' ? (
      <button type="button" className="button button-small button-ghost" data-testid="insert-starter" onClick={props.onInsertStarter} title={challenge.title}>
        Insert starter code
      </button>
    ) : null;
  const infoText = runnerInfo(remote, info, available);

  return (
    <div className="run-row" ref={rowRef}>
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
        {pickersInRow && backendSelect}
      </div>

      {pickersInRow && targetSelect}

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

      {pickersInRow && starterButton}

      {remoteBlocked && (
        <span className="chip chip-warning run-remote-off" data-testid="remote-runs-off" title={`${remote.name} switched remote runs off`}>
          {remote.name} switched remote runs off
        </span>
      )}

      <span className="run-info" data-testid="runner-info" title={info?.fallbackReason ?? (info ? `${info.backend} · ${info.adapter}` : undefined)}>
        {infoText}
      </span>

      <div className="run-more" ref={menu}>
        <button
          type="button"
          className="icon-button run-more-button"
          data-testid="run-more"
          aria-haspopup="true"
          aria-expanded={menuOpen}
          aria-label="More run options"
          title="More run options: timeout, backend, where it runs"
          onClick={() => setMenuOpen((open) => !open)}
        >
          ⋯
        </button>
        {menuOpen && (
          <div className="run-menu" role="group" aria-label="Run options" data-testid="run-menu">
            {!pickersInRow && (
              <>
                <label className="run-menu-row">
                  <span className="muted small">Backend</span>
                  {backendSelect}
                </label>
                {targetSelect && (
                  <label className="run-menu-row">
                    <span className="muted small">Runs on</span>
                    {targetSelect}
                  </label>
                )}
                {starterButton}
              </>
            )}
            <label className="run-menu-row run-timeout" title="Hard timeout: the worker is terminated after this many seconds">
              <span className="muted small">Timeout</span>
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
            {can(role, 'runs.remote.host') && (
              <label className="run-allow small" title="When on, an interviewer can run the pad's code in this browser, on your GPU">
                <input type="checkbox" data-testid="allow-remote-runs" checked={props.allowRemote} onChange={(event) => props.onAllowRemote(event.target.checked)} />
                Allow interviewer runs on my machine
              </label>
            )}
            {infoText && <p className="run-menu-info muted small">{info?.fallbackReason ?? infoText}</p>}
          </div>
        )}
      </div>
    </div>
  );
}

/** Closes a popover on Escape or on a press outside it. */
function useDismiss(ref: RefObject<HTMLElement | null>, open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (ref.current && event.target instanceof Node && !ref.current.contains(event.target)) close();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [ref, open, close]);
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
