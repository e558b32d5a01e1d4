import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { can, type RoomKind } from '../../shared/capabilities.js';
import type { Verdict } from '../../shared/challenge.js';
import { boardRuns, boardVerdicts, readVerdicts, type RunRecord } from '../../shared/doc.js';
import { fetchChallenge, verifyCheck } from '../lib/api.js';
import { roleLabel } from '../lib/roles.js';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';
import { isBackendChoice } from './backend.js';
import { DEFAULT_TIMEOUT_MS, RunnerPool } from './pool.js';
import type { BackendChoice, ReadbackMemo } from './protocol.js';
import { RunnerController, type RunnerRole, type RunnerState } from './RunnerController.js';
import { readRuns } from './runRecords.js';
import { createRunnerWorker, fetchWasmFiles } from './runtime.js';
import { remoteTargets, type RemoteTarget } from './targets.js';

/**
 * Delay before the first worker starts: tfjs (in the worker) and the backend probe then don't
 * compete with the canvas and the sync for the first second of the page.
 */
const WARM_UP_DELAY_MS = 1_200;

const NOT_RUNNING: RunnerState = { info: null, executing: null, allowRemote: true };
const noSubscription = () => () => undefined;

export function readStoredBackend(): BackendChoice {
  const stored = readStored('local', StorageKey.runnerBackend);
  return isBackendChoice(stored) ? stored : 'auto';
}

export function readStoredTimeoutMs(): number {
  const seconds = Number(readStored('local', StorageKey.runnerTimeout));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
}

/** Remembered across pages, so the destructive readback test (see ReadbackMemo) runs once per adapter and browser. */
function readStoredReadback(): ReadbackMemo {
  try {
    const parsed: unknown = JSON.parse(readStored('local', StorageKey.webgpuReadback) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, boolean] => typeof e[1] === 'boolean').slice(0, 20));
  } catch {
    return {};
  }
}

function readStoredAllowRemote(): boolean {
  return readStored('local', StorageKey.allowRemoteRuns) !== '0';
}

/**
 * The runner for this page: a controller (worker pool, remote runs) for interviewers and
 * candidates, none for observers, who only watch. `name` is read when a run starts.
 */
export function useRunnerController(
  doc: Y.Doc,
  awareness: Awareness,
  role: RunnerRole | 'observer',
  kind: RoomKind,
  roomId: string,
  token: string,
  name: string | null,
): { controller: RunnerController | null; state: RunnerState } {
  const nameRef = useRef(name);
  nameRef.current = name;
  const [controller, setController] = useState<RunnerController | null>(null);

  useEffect(() => {
    if (!can(role, 'code.run')) return;
    let created: RunnerController | null = null;
    // Started after a short delay (see WARM_UP_DELAY_MS); React StrictMode's double mount
    // then never spawns a worker it immediately kills.
    const timer = setTimeout(() => {
      created = new RunnerController({
        doc,
        awareness,
        role,
        getName: () => nameRef.current ?? roleLabel(kind, role),
        fetchChallenge: (challengeId) => fetchChallenge(roomId, token, challengeId),
        verifyCheck: (challengeId, runId, outputs) => verifyCheck(roomId, token, challengeId, runId, outputs),
        allowRemote: readStoredAllowRemote(),
        backend: readStoredBackend(),
        pool: (onInfo) =>
          new RunnerPool({
            createWorker: createRunnerWorker,
            fetchWasm: fetchWasmFiles,
            onInfo,
            readback: readStoredReadback(),
            onReadback: (memo) => writeStored('local', StorageKey.webgpuReadback, JSON.stringify(memo)),
          }),
      });
      setController(created);
    }, WARM_UP_DELAY_MS);
    return () => {
      clearTimeout(timer);
      created?.destroy();
      setController(null);
    };
  }, [doc, awareness, role, kind, roomId, token]);

  const state = useSyncExternalStore(controller?.subscribe ?? noSubscription, controller?.getState ?? (() => NOT_RUNNING));
  return { controller, state };
}

export function persistAllowRemote(allow: boolean): void {
  writeStored('local', StorageKey.allowRemoteRuns, allow ? '1' : '0');
}

/** board.runs, live, one record per id (see runRecords.ts). */
export function useRuns(doc: Y.Doc): RunRecord[] {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const runs = boardRuns(doc);
    const bump = () => setVersion((v) => v + 1);
    runs.observe(bump);
    bump();
    return () => runs.unobserve(bump);
  }, [doc]);
  return useMemo(() => readRuns(doc), [doc, version]);
}

/** The server's check verdicts (board `verdicts`), live, by run id. */
export function useVerdicts(doc: Y.Doc): ReadonlyMap<string, Verdict> {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const verdicts = boardVerdicts(doc);
    const bump = () => setVersion((v) => v + 1);
    verdicts.observe(bump);
    bump();
    return () => verdicts.unobserve(bump);
  }, [doc]);
  return useMemo(() => readVerdicts(doc), [doc, version]);
}

/**
 * Candidates an interviewer may target, and everyone's client ids (to tell who left). Awareness
 * changes with every cursor move; this only re-renders when the answer changes.
 */
export function useRoomRunners(awareness: Awareness): { targets: RemoteTarget[]; present: ReadonlySet<number> } {
  const [snapshot, setSnapshot] = useState<{ targets: RemoteTarget[]; present: ReadonlySet<number> }>({ targets: [], present: new Set() });
  useEffect(() => {
    let last = '';
    const read = () => {
      const states = awareness.getStates();
      const targets = remoteTargets(states, awareness.clientID);
      const present = new Set(states.keys());
      const key = JSON.stringify([targets, [...present].sort((a, b) => a - b)]);
      if (key === last) return;
      last = key;
      setSnapshot({ targets, present });
    };
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [awareness]);
  return snapshot;
}
