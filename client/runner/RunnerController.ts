/**
 * Everything the runner does in one browser, outside React: runs the pad here, asks a
 * candidate's browser to run it, and (on a candidate's page) answers those requests. All of it
 * goes through `board.runs`, so every participant sees each run live:
 *
 *   local run:   append `running` (requestedBy = ranBy = me) -> replace with the result
 *   remote run:  interviewer appends `requested` (target = candidate's client id)
 *                candidate replaces it with `running` (ranBy = candidate), runs the pad's
 *                current code, replaces it with the result; or with `declined` when remote
 *                runs are off. Either side may replace it with `stopped`; a result never
 *                overwrites a record that is already final.
 *   check:       as either of the above; before the result, the browser that ran it sends the
 *                outputs to the server, whose verdict (board `verdicts`) is what counts.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { can } from '../../shared/capabilities.js';
import type { ChallengeForClient, SerializedValue, Verdict } from '../../shared/challenge.js';
import { boardCode, boardRuns, type RunRecord } from '../../shared/doc.js';
import { serverNow } from '../lib/serverClock.js';
import { RunnerPool, clampTimeoutMs, type RunOutcome } from './pool.js';
import type { BackendChoice, BackendInfo } from './protocol.js';
import { appendRun, findRun, isTerminal, newRunId, readRuns, replaceRun } from './runRecords.js';
import { isInterviewer } from './targets.js';

/**
 * The server judges a check only once its run record is in the server's board. The record went out
 * on the socket before the run started, so a miss means the socket is behind: retry a few times.
 */
const VERIFY_ATTEMPTS = 4;
const VERIFY_RETRY_MS = 500;

/** A remote request nobody picked up within this long is closed with an error. */
export const REMOTE_PICKUP_MS = 15_000;
/** Beyond its own timeout, how long a remote run may take to report (worker start-up, the network). */
export const REMOTE_RESULT_GRACE_MS = 30_000;
const WATCHDOG_INTERVAL_MS = 2_000;

export type RunnerRole = 'interviewer' | 'candidate';

export interface RunnerState {
  /** the warm worker's backend here, once probed */
  info: BackendInfo | null;
  /** what this browser is executing now */
  executing: { id: string; kind: RunRecord['kind']; remote: boolean; requestedBy: string } | null;
  /** candidates: whether interviewers may run the pad here */
  allowRemote: boolean;
}

export interface RunnerControllerOptions {
  doc: Y.Doc;
  awareness: Awareness;
  role: RunnerRole;
  getName: () => string;
  fetchChallenge: (challengeId: string) => Promise<ChallengeForClient>;
  /** Sends a check's outputs; the server judges them, writes the verdict into the board and returns it. */
  verifyCheck: (challengeId: string, runId: string, outputs: (SerializedValue | null)[]) => Promise<Verdict>;
  allowRemote: boolean;
  backend: BackendChoice;
  /** Makes the worker pool (tests pass one with fake workers). */
  pool: (onInfo: (info: BackendInfo | null) => void) => RunnerPool;
}

export interface RunRequest {
  kind: RunRecord['kind'];
  backend: BackendChoice;
  timeoutMs: number;
  challengeId?: string;
}

interface Job {
  record: RunRecord;
  remote: boolean;
}

export class RunnerController {
  private state: RunnerState;
  private readonly listeners = new Set<() => void>();
  private readonly pool: RunnerPool;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  /** remote requests this browser has already answered or queued */
  private readonly handled = new Set<string>();
  /** my remote requests: status last seen and since when (local monotonic clock; other browsers' clocks differ) */
  private readonly watched = new Map<string, { status: RunRecord['status']; since: number }>();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private stopNote: string | null = null;
  /** Stop pressed while the run was still loading its challenge (before the worker had it). */
  private stopRequested = false;
  private readonly challenges = new Map<string, Promise<ChallengeForClient>>();
  private destroyed = false;

  constructor(private readonly options: RunnerControllerOptions) {
    this.state = { info: null, executing: null, allowRemote: options.allowRemote };
    const onInfo = (info: BackendInfo | null) => {
      this.update({ info });
      this.options.awareness.setLocalStateField('runner', info ? { backend: info.backend, adapter: info.adapter } : null);
    };
    this.pool = options.pool(onInfo);
    if (can(options.role, 'runs.remote.host')) options.awareness.setLocalStateField('allowRemoteRuns', options.allowRemote);
    boardRuns(options.doc).observe(this.onRunsChanged);
    this.onRunsChanged();
    this.pool.warmUp(options.backend);
  }

  // ---- React binding -----------------------------------------------------------

  getState = (): RunnerState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(patch: Partial<RunnerState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  // ---- actions -------------------------------------------------------------------------

  get busy(): boolean {
    return this.state.executing !== null || this.queued > 0;
  }

  setBackend(choice: BackendChoice): void {
    this.pool.warmUp(choice);
  }

  setAllowRemote(allow: boolean): void {
    this.update({ allowRemote: allow });
    this.options.awareness.setLocalStateField('allowRemoteRuns', allow);
  }

  /** Runs the pad's code in this browser. Returns the run id, or null when a run is already going. */
  runHere(request: RunRequest): string | null {
    if (this.busy || this.destroyed) return null;
    const now = serverNow();
    const me = this.me();
    const record: RunRecord = {
      id: newRunId(),
      kind: request.kind,
      status: 'running',
      requestedBy: me,
      ranBy: me,
      backendRequested: request.backend,
      createdAt: now,
      startedAt: now,
      timeoutMs: clampTimeoutMs(request.timeoutMs),
      ...(request.challengeId ? { challengeId: request.challengeId } : {}),
    };
    appendRun(this.options.doc, record);
    this.enqueue({ record, remote: false });
    return record.id;
  }

  /** Interviewers: asks a candidate's browser to run the pad's code. */
  requestRemote(target: number, request: RunRequest): string {
    const record: RunRecord = {
      id: newRunId(),
      kind: request.kind,
      status: 'requested',
      requestedBy: this.me(),
      target,
      backendRequested: request.backend,
      createdAt: serverNow(),
      timeoutMs: clampTimeoutMs(request.timeoutMs),
      ...(request.challengeId ? { challengeId: request.challengeId } : {}),
    };
    appendRun(this.options.doc, record);
    this.watched.set(record.id, { status: 'requested', since: performance.now() });
    this.ensureWatchdog();
    return record.id;
  }

  /** Stop (button or Esc): what runs here first, else my own pending remote request. */
  stop(): boolean {
    if (this.state.executing) {
      this.stopNote = `Stopped by ${this.options.getName()}.`;
      this.stopRequested = true;
      this.pool.stop();
      return true;
    }
    const mine = this.myPendingRemote();
    if (!mine) return false;
    return this.close(mine, 'stopped', `Stopped by ${this.options.getName()} before it finished.`);
  }

  /** My latest remote request that has no result yet. */
  myPendingRemote(): RunRecord | null {
    const myId = this.options.doc.clientID;
    const runs = readRuns(this.options.doc);
    for (let i = runs.length - 1; i >= 0; i--) {
      const r = runs[i]!;
      if (r.requestedBy.clientId === myId && r.target !== undefined && !isTerminal(r.status)) return r;
    }
    return null;
  }

  /** Fetched once per challenge per page; a failure is retried on the next call. */
  challenge(challengeId: string): Promise<ChallengeForClient> {
    let pending = this.challenges.get(challengeId);
    if (!pending) {
      pending = this.options.fetchChallenge(challengeId);
      pending.catch(() => this.challenges.delete(challengeId));
      this.challenges.set(challengeId, pending);
    }
    return pending;
  }

  destroy(): void {
    this.destroyed = true;
    boardRuns(this.options.doc).unobserve(this.onRunsChanged);
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.pool.dispose();
    this.listeners.clear();
  }

  // ---- executing ---------------------------------------------------------------------

  private me(): RunRecord['requestedBy'] {
    return { name: this.options.getName(), role: this.options.role, clientId: this.options.doc.clientID };
  }

  private enqueue(job: Job): void {
    this.queued++;
    this.queue = this.queue.then(async () => {
      this.queued--;
      if (this.destroyed) return;
      try {
        await this.execute(job);
      } finally {
        this.update({ executing: null });
      }
    });
  }

  private async execute(job: Job): Promise<void> {
    const { doc } = this.options;
    let record = job.record;
    if (job.remote) {
      // Between the request and now the interviewer may have stopped it, or the candidate
      // switched remote runs off.
      const current = findRun(doc, record.id);
      if (!current || current.status !== 'requested') return;
      if (!this.state.allowRemote) {
        this.decline(current);
        return;
      }
      record = { ...current, status: 'running', ranBy: this.me(), startedAt: serverNow() };
      if (!replaceRun(doc, record, (r) => r.status === 'requested')) return;
    }
    this.stopNote = null;
    this.stopRequested = false;
    this.update({ executing: { id: record.id, kind: record.kind, remote: job.remote, requestedBy: record.requestedBy.name } });

    let challenge: { functionName: string; cases: ChallengeForClient['cases'] } | undefined;
    if (record.kind === 'check') {
      try {
        if (!record.challengeId) throw new Error('the run names no challenge');
        const spec = await this.challenge(record.challengeId);
        challenge = { functionName: spec.functionName, cases: spec.cases };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.finish(record, { status: 'error', console: [], durationMs: 0, error: { message: `Could not load the challenge: ${reason}` } });
        return;
      }
    }
    if (this.stopRequested) {
      this.finish(record, { status: 'stopped', console: [], durationMs: 0, error: { message: this.stopNote ?? 'Stopped.' } });
      return;
    }
    // A remote run runs the pad as it is now, not as it was when the interviewer clicked.
    const code = boardCode(doc).toString();
    const outcome = await this.pool.run({ id: record.id, code, backend: record.backendRequested, timeoutMs: record.timeoutMs, ...(challenge ? { challenge } : {}) });
    if (outcome.status === 'timeout') {
      outcome.error = { message: `Timed out after ${formatSeconds(record.timeoutMs)}: the worker was terminated. A fresh one is ready for the next run.` };
    } else if (outcome.status === 'stopped') {
      outcome.error = { message: this.stopNote ?? 'Stopped.' };
    }
    if (record.kind === 'check' && record.challengeId && outcome.status === 'ok' && outcome.outputs) {
      await this.judge(record, record.challengeId, outcome);
    }
    this.finish(record, outcome);
  }

  /**
   * Whoever ran the check (the candidate, for a remote one) sends the outputs; the verdict the
   * server writes into the board is what the console shows. The record's own `checks` take the
   * verdict's results too, so a replay of an honest room reads the same, but nobody trusts them.
   */
  private async judge(record: RunRecord, challengeId: string, outcome: RunOutcome): Promise<void> {
    const outputs = outcome.outputs!;
    delete outcome.outputs;
    let verdict: Verdict;
    try {
      verdict = await this.verify(challengeId, record.id, outputs);
    } catch (error) {
      outcome.status = 'error';
      outcome.error = { message: `The server did not judge this check: ${error instanceof Error ? error.message : String(error)}` };
      return;
    }
    const local = outcome.checks ?? [];
    outcome.checks = verdict.cases.map((c, i) => {
      // Where the function threw, the browser's message (the error and its line) says more.
      const message = c.pass ? undefined : outputs[i] === null ? (local[i]?.message ?? c.message) : c.message;
      return { name: c.name, pass: c.pass, maxAbsError: c.maxAbsError, tolerance: c.tolerance, ms: local[i]?.ms ?? 0, ...(message ? { message } : {}) };
    });
  }

  private async verify(challengeId: string, runId: string, outputs: (SerializedValue | null)[]): Promise<Verdict> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.verifyCheck(challengeId, runId, outputs);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== 'unknown_run' || attempt >= VERIFY_ATTEMPTS || this.destroyed) throw error;
        await new Promise((resolve) => setTimeout(resolve, VERIFY_RETRY_MS));
      }
    }
  }

  private finish(record: RunRecord, outcome: RunOutcome): void {
    const next: RunRecord = {
      ...record,
      status: outcome.status,
      durationMs: Math.round(outcome.durationMs * 10) / 10,
      console: outcome.console,
      ...defined({
        backend: outcome.backend,
        adapter: outcome.adapter,
        fallbackReason: outcome.fallbackReason,
        value: outcome.value,
        error: outcome.error,
        checks: outcome.checks,
        truncated: outcome.truncated,
      }),
    };
    // Only a record still `running` takes the result: one already stopped by the interviewer stays stopped.
    replaceRun(this.options.doc, next, (current) => current.status === 'running');
  }

  private decline(record: RunRecord): void {
    replaceRun(
      this.options.doc,
      { ...record, status: 'declined', ranBy: this.me(), error: { message: `${this.options.getName()} has interviewer runs switched off.` } },
      (r) => r.status === 'requested',
    );
  }

  private close(record: RunRecord, status: 'stopped' | 'error', message: string): boolean {
    return replaceRun(this.options.doc, { ...record, status, error: { message } }, (r) => !isTerminal(r.status));
  }

  // ---- watching board.runs ---------------------------------------------------------------

  private readonly onRunsChanged = (): void => {
    const { doc, awareness, role } = this.options;
    const myId = doc.clientID;
    for (const r of readRuns(doc)) {
      // The candidate's side of a remote run.
      if (can(role, 'runs.remote.host') && r.status === 'requested' && r.target === myId && !this.handled.has(r.id)) {
        this.handled.add(r.id);
        if (!isInterviewer(awareness.getStates(), r.requestedBy.clientId)) {
          replaceRun(doc, { ...r, status: 'declined', ranBy: this.me(), error: { message: 'Only an interviewer in the room can run code on this machine.' } }, (c) => c.status === 'requested');
        } else if (!this.state.allowRemote) {
          this.decline(r);
        } else {
          this.enqueue({ record: r, remote: true });
        }
      }
      // Someone else finished a run this browser is executing (the interviewer stopped it): stop too.
      if (this.state.executing?.id === r.id && this.state.executing.remote && isTerminal(r.status)) {
        this.stopRequested = true;
        this.pool.stop();
      }
    }
  };

  private ensureWatchdog(): void {
    if (this.watchdog !== null) return;
    this.watchdog = setInterval(() => this.checkRemoteRequests(), WATCHDOG_INTERVAL_MS);
  }

  /**
   * Closes my remote requests that can no longer finish: the candidate left, never picked it
   * up, or went silent past the run's timeout. Only the requester does this, so one writer.
   */
  private checkRemoteRequests(): void {
    const { doc, awareness } = this.options;
    const states = awareness.getStates();
    const now = performance.now();
    for (const [id, seen] of this.watched) {
      const r = findRun(doc, id);
      if (!r || isTerminal(r.status)) {
        this.watched.delete(id);
        continue;
      }
      let since = seen.since;
      if (r.status !== seen.status) {
        since = now;
        this.watched.set(id, { status: r.status, since });
      }
      const who = r.ranBy?.name ?? 'The candidate';
      if (r.target !== undefined && !states.has(r.target)) {
        this.close(r, 'error', `${who} left before the run finished.`);
      } else if (r.status === 'requested' && now - since > REMOTE_PICKUP_MS) {
        this.close(r, 'error', "The candidate's browser did not pick up the run. It may be an old tab, or offline.");
      } else if (r.status === 'running' && now - since > r.timeoutMs + REMOTE_RESULT_GRACE_MS) {
        this.close(r, 'error', `No result from ${who}'s browser.`);
      }
    }
    if (this.watched.size === 0 && this.watchdog !== null) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
  }
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
