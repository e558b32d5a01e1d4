import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { can, type RoomKind } from '../../shared/capabilities.js';
import { boardCode, type RunRecord } from '../../shared/doc.js';
import type { Role } from '../../shared/protocol.js';
import { Dialog } from '../lib/Dialog.js';
import { StorageKey, writeStored } from '../lib/storage.js';
import { CodePad } from '../pad/CodePad.js';
import { useCurrentQuestion } from '../question/useCurrentQuestion.js';
import { highlightErrorLine, runnerPadExtensions, type PadActions } from './padExtensions.js';
import { clampTimeoutMs } from './pool.js';
import type { BackendChoice } from './protocol.js';
import { isTerminal } from './runRecords.js';
import { RunsConsole } from './RunsConsole.js';
import { RunToolbar, type RunTarget } from './RunToolbar.js';
import { ChallengeBrief } from './ChallengeBrief.js';
import { useChallenge } from './useChallenge.js';
import './runner.css';
import { persistAllowRemote, readStoredBackend, readStoredTimeoutMs, useRoomRunners, useRunnerController, useRuns, useVerdicts } from './useRunner.js';

interface RunnerPadProps {
  doc: Y.Doc;
  awareness: Awareness;
  role: Role;
  /** the room's kind, which names a role in the runs console (a pair room's peer) */
  kind: RoomKind;
  name: string | null;
  roomId: string;
  token: string;
  /** other features' editor extensions (e.g. the candidate's paste signal); a stable array */
  extensions?: readonly Extension[];
}

/** Awareness needs a moment after joining before "absent" means "left". */
const PRESENCE_SETTLE_MS = 3_000;

/**
 * The code pad with the snippet runner around it: the toolbar above the editor, the runs
 * console below, the error line in the editor, and (on a candidate's screen) the notice while
 * an interviewer's run executes on this machine.
 */
export function RunnerPad({ doc, awareness, role, kind, name, roomId, token, extensions }: RunnerPadProps) {
  const readOnly = !can(role, 'board.write');
  const view = useRef<EditorView | null>(null);
  const actions = useRef<PadActions | null>(null);
  const runnerExtensions = useMemo(() => runnerPadExtensions(view, actions), []);
  const padExtensions = useMemo(() => [...runnerExtensions, ...(extensions ?? [])], [runnerExtensions, extensions]);

  const { controller, state } = useRunnerController(doc, awareness, role, kind, roomId, token, name);
  const runs = useRuns(doc);
  const verdicts = useVerdicts(doc);
  const { targets, present } = useRoomRunners(awareness);
  const presenceSettled = useSettled(PRESENCE_SETTLE_MS);
  const question = useCurrentQuestion(doc);
  const challengeId = question?.challenge ?? null;

  const [backend, setBackend] = useState<BackendChoice>(readStoredBackend);
  const [timeoutSeconds, setTimeoutSeconds] = useState(() => readStoredTimeoutMs() / 1000);
  const [target, setTarget] = useState<RunTarget>('self');
  const [confirmStarter, setConfirmStarter] = useState(false);
  const { status: challenge, spec } = useChallenge(controller, challengeId);

  // A chosen candidate who left is no longer a target.
  useEffect(() => {
    if (target !== 'self' && !targets.some((t) => t.clientId === target)) setTarget('self');
  }, [target, targets]);

  const myPendingRemote = runs.some((r) => r.requestedBy.clientId === doc.clientID && r.target !== undefined && !isTerminal(r.status));
  const busy = state.executing !== null || myPendingRemote;

  useErrorHighlight(runs, view);

  const start = useCallback(
    (kind: RunRecord['kind']) => {
      if (!controller || busy) return;
      if (kind === 'check' && !challengeId) return;
      const request = { kind, backend, timeoutMs: clampTimeoutMs(timeoutSeconds * 1000), ...(kind === 'check' && challengeId ? { challengeId } : {}) };
      highlightErrorLine(view.current, null);
      if (can(role, 'runs.remote.request') && target !== 'self') {
        if (targets.find((t) => t.clientId === target)?.allowed) controller.requestRemote(target, request);
      } else controller.runHere(request);
    },
    [controller, busy, challengeId, backend, timeoutSeconds, role, target, targets],
  );
  const stop = useCallback(() => controller?.stop() ?? false, [controller]);
  const showLine = useCallback((line: number) => highlightErrorLine(view.current, line), []);

  useEffect(() => {
    actions.current = readOnly ? null : { run: () => start('run'), stop };
  }, [readOnly, start, stop]);

  const onBackend = (choice: BackendChoice) => {
    setBackend(choice);
    writeStored('local', StorageKey.runnerBackend, choice);
    controller?.setBackend(choice);
  };
  const onTimeoutSeconds = (seconds: number) => {
    setTimeoutSeconds(seconds);
    if (Number.isFinite(seconds) && seconds > 0) writeStored('local', StorageKey.runnerTimeout, String(clampTimeoutMs(seconds * 1000) / 1000));
  };
  const onAllowRemote = (allow: boolean) => {
    persistAllowRemote(allow);
    controller?.setAllowRemote(allow);
  };
  const insertStarter = (force: boolean) => {
    if (!controller || !challengeId) return;
    const code = boardCode(doc);
    if (code.length > 0 && !force) {
      setConfirmStarter(true);
      return;
    }
    setConfirmStarter(false);
    void controller.challenge(challengeId).then((spec) => {
      doc.transact(() => {
        code.delete(0, code.length);
        code.insert(0, spec.starter);
      });
    });
  };

  // Ctrl/Cmd+Enter and Esc also work with focus on the toolbar or the console (the editor has its own keymap).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (readOnly || event.defaultPrevented) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      start('run');
    } else if (event.key === 'Escape' && stop()) {
      event.preventDefault();
    }
  };

  const executing = state.executing;
  const banner =
    executing?.remote && can(role, 'runs.remote.host') ? (
      <div className="remote-run-notice" role="status" data-testid="remote-run-notice">
        <span className="spinner spinner-inline" aria-hidden="true" />
        <span>
          {executing.requestedBy} (interviewer) is running the pad&apos;s code on your machine{state.info ? `, on ${state.info.backend}` : ''}…
        </span>
        <button type="button" className="button button-small" onClick={() => controller?.stop()}>
          Stop
        </button>
      </div>
    ) : null;

  return (
    <div className="runner-pad" onKeyDown={onKeyDown}>
      {spec && spec.id === challengeId && <ChallengeBrief spec={spec} />}
      <CodePad
        doc={doc}
        awareness={awareness}
        readOnly={readOnly}
        extensions={padExtensions}
        banner={banner}
        toolbar={
          readOnly ? undefined : (
            <RunToolbar
              role={role}
              available={controller !== null}
              info={state.info}
              backend={backend}
              onBackend={onBackend}
              timeoutSeconds={timeoutSeconds}
              onTimeoutSeconds={onTimeoutSeconds}
              targets={targets}
              target={target}
              onTarget={setTarget}
              busy={busy}
              onRun={() => start('run')}
              onCheck={() => start('check')}
              onStop={stop}
              challenge={challenge}
              onInsertStarter={() => insertStarter(false)}
              allowRemote={state.allowRemote}
              onAllowRemote={onAllowRemote}
            />
          )
        }
        below={<RunsConsole kind={kind} runs={runs} verdicts={verdicts} present={presenceSettled ? present : null} onShowLine={showLine} />}
      />
      <Dialog open={confirmStarter} title="Replace the pad's code?" onClose={() => setConfirmStarter(false)} testId="starter-dialog">
        <p>The pad is not empty. Replace everything in it with the challenge&apos;s starter code? Everyone in the room sees the change.</p>
        <div className="actions actions-end">
          <button type="button" className="button" onClick={() => setConfirmStarter(false)}>
            Keep my code
          </button>
          <button type="button" className="button button-primary" data-testid="insert-starter-confirm" onClick={() => insertStarter(true)}>
            Replace
          </button>
        </div>
      </Dialog>
    </div>
  );
}

function useSettled(ms: number): boolean {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return settled;
}

/**
 * Everyone sees the line of the latest run's error highlighted in their pad (until the next
 * edit or run). Only runs this page saw in progress count: records that arrive already
 * finished (the history, on joining) are not highlighted.
 */
function useErrorHighlight(runs: RunRecord[], view: { current: EditorView | null }): void {
  const seenLive = useRef(new Set<string>());
  const shown = useRef<string | null>(null);
  useEffect(() => {
    for (const r of runs) if (!isTerminal(r.status)) seenLive.current.add(r.id);
    const latest = runs[runs.length - 1];
    if (!latest || !seenLive.current.has(latest.id)) return;
    const key = `${latest.id}:${latest.status}`;
    if (key === shown.current) return;
    shown.current = key;
    if (!isTerminal(latest.status)) highlightErrorLine(view.current, null);
    else if (latest.status === 'error' && typeof latest.error?.line === 'number') highlightErrorLine(view.current, latest.error.line);
  }, [runs, view]);
}
