/**
 * The page's side of the runner: one warm worker per backend choice, kept across runs, so a
 * second run reuses tfjs's start-up and every shader it compiled (issue 13: with a fresh worker
 * per run, software WebGPU recompiled each shader and a 6-case attention check took 6.4-7.7 s).
 * The worker resets the run's globals and tensors when it ends and says whether that worked
 * (`reusable`); a worker that could not be reset, a timeout and Stop all terminate it outright:
 * that is the only way to stop a `while (true)` or a GPU job, and it frees everything the
 * snippet allocated. Only this page's runs use its workers: the page's own person, or an
 * interviewer's remote run of the same room pad on this machine (see worker.ts `resetRun`).
 */
import type { RunBackend, RunConsoleLine } from '../../shared/doc.js';
import { MAX_CONSOLE_LINES } from './output.js';
import type { BackendChoice, BackendInfo, ChallengeJob, FromWorker, ReadbackMemo, RunResult, ToWorker, WasmFiles } from './protocol.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 120_000;
/**
 * A worker that has not reported its backend by then is considered broken. Generous because a
 * first WebGPU worker on a software adapter starts twice (its sync-readback test loses the GPU
 * and a second worker replaces it, see ReadbackMemo): on this 2-core host under load that took
 * over 30 s once auto no longer probed WebGPU at page load (issue 13).
 */
export const WORKER_START_TIMEOUT_MS = 60_000;
/**
 * Warm workers kept for choices other than the current one: switching backends and back costs
 * no start-up, while an idle GPU context per backend tried is bounded.
 */
export const MAX_IDLE_WORKERS = 3;

export function clampTimeoutMs(ms: number): number {
  if (!Number.isFinite(ms)) return DEFAULT_TIMEOUT_MS;
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Math.round(ms)));
}

/** The part of Worker the pool uses, so tests can hand it a fake. */
export interface RunnerWorker {
  postMessage(message: ToWorker): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface RunJob {
  id: string;
  code: string;
  backend: BackendChoice;
  timeoutMs: number;
  challenge?: ChallengeJob;
}

/** What the worker reported (its RunResult), plus what only the pool knows: timeouts, stops, the backend. */
export interface RunOutcome extends Omit<RunResult, 'id' | 'status' | 'reusable'> {
  status: RunResult['status'] | 'timeout' | 'stopped';
  backend?: RunBackend;
  adapter?: string;
  fallbackReason?: string;
}

export interface PoolOptions {
  createWorker: () => RunnerWorker;
  /** Fetches the tfjs wasm binaries (only when a worker asks: most runs never need them). */
  fetchWasm: () => Promise<WasmFiles>;
  /** The warm worker's backend, whenever it changes (null while none is known). */
  onInfo?: (info: BackendInfo | null) => void;
  /** WebGPU sync readback answers remembered from earlier pages, and where to keep new ones (see ReadbackMemo) */
  readback?: ReadbackMemo;
  onReadback?: (memo: ReadbackMemo) => void;
  startTimeoutMs?: number;
  now?: () => number;
}

interface SlotHooks {
  createWorker: () => RunnerWorker;
  fetchWasm: () => Promise<WasmFiles>;
  /** what the page knows about WebGPU sync readback (see ReadbackMemo) */
  readback: () => ReadbackMemo;
  learnReadback: (key: string, ok: boolean) => void;
  onInfo: (slot: Slot) => void;
}

/** One warm-or-running worker and what it has told us. It may replace its worker once (see `readback`). */
class Slot {
  worker!: RunnerWorker;
  info: BackendInfo | null = null;
  failure: string | null = null;
  readonly ready: Promise<void>;
  /** Set while a run uses this slot. */
  onMessage: ((message: FromWorker) => void) | null = null;
  onFailure: ((reason: string) => void) | null = null;
  private settle!: () => void;

  constructor(
    private readonly hooks: SlotHooks,
    readonly choice: BackendChoice,
  ) {
    this.ready = new Promise<void>((resolve) => (this.settle = resolve));
    this.attach(hooks.createWorker());
  }

  private attach(worker: RunnerWorker): void {
    this.worker = worker;
    worker.onmessage = (event) => {
      if (worker !== this.worker) return;
      const message = event.data;
      switch (message.type) {
        case 'backend': {
          const { type: _type, ...info } = message;
          this.info = info;
          this.hooks.onInfo(this);
          break;
        }
        case 'ready':
          this.settle();
          break;
        case 'readback':
          this.hooks.learnReadback(message.key, message.ok);
          // The failed test lost that worker's GPU: start over in a fresh one, which now knows.
          if (!message.ok) {
            worker.terminate();
            this.attach(this.hooks.createWorker());
          }
          return;
        case 'need-wasm':
          this.hooks.fetchWasm().then(
            (files) => worker.postMessage({ type: 'wasm', files }),
            (error: unknown) => worker.postMessage({ type: 'wasm', error: error instanceof Error ? error.message : String(error) }),
          );
          break;
      }
      this.onMessage?.(message);
    };
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      // A script that failed to load or threw at the top level: the worker is unusable.
      event.preventDefault?.();
      this.fail(event.message ? `the runner worker failed: ${event.message}` : 'the runner worker could not start');
    };
    worker.postMessage({ type: 'init', backend: this.choice, readback: this.hooks.readback() });
  }

  fail(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    this.settle();
    this.onFailure?.(reason);
  }
}

interface ActiveRun {
  slot: Slot;
  job: RunJob;
  console: RunConsoleLine[];
  /** when the run message went to the worker (null while the worker is still starting) */
  startedAt: number | null;
  finish: (outcome: Omit<RunOutcome, 'console' | 'backend' | 'adapter' | 'fallbackReason'> & { console?: RunConsoleLine[]; reusable?: boolean }) => void;
}

export class RunnerPool {
  /** idle warm workers by choice, least recently used first */
  private readonly idle = new Map<BackendChoice, Slot>();
  private active: ActiveRun | null = null;
  private choice: BackendChoice = 'auto';
  private disposed = false;
  private readback: ReadbackMemo;
  private readonly now: () => number;

  constructor(private readonly options: PoolOptions) {
    this.now = options.now ?? (() => performance.now());
    this.readback = { ...options.readback };
  }

  get busy(): boolean {
    return this.active !== null;
  }

  private get warm(): Slot | null {
    return this.idle.get(this.choice) ?? null;
  }

  /** How many workers are alive (idle or running): for tests. */
  get workerCount(): number {
    return this.idle.size + (this.active ? 1 : 0);
  }

  /** What the warm worker runs on (or the last run's worker, while a run is active). */
  get info(): BackendInfo | null {
    return this.warm?.info ?? this.active?.slot.info ?? null;
  }

  /** Makes `choice` current and starts a warm worker for it if none is idle (others stay warm, up to MAX_IDLE_WORKERS). */
  warmUp(choice: BackendChoice = this.choice): void {
    if (this.disposed) return;
    const changed = this.choice !== choice;
    this.choice = choice;
    const slot = this.idle.get(choice);
    if (slot) {
      if (changed && slot.info) this.options.onInfo?.(slot.info);
      return;
    }
    if (!this.active) this.keepIdle(this.spawn(choice));
  }

  /** Puts a slot in the idle set as most recently used, terminating the least recently used beyond the cap (never the current choice's). */
  private keepIdle(slot: Slot): void {
    this.idle.delete(slot.choice);
    this.idle.set(slot.choice, slot);
    slot.onFailure = () => {
      if (slot === this.warm) this.options.onInfo?.(null);
      // A broken idle worker is not kept: the next run for its choice starts a fresh one.
      if (this.idle.get(slot.choice) === slot) {
        this.idle.delete(slot.choice);
        slot.worker.terminate();
      }
    };
    for (const [choice, other] of this.idle) {
      if (this.idle.size <= MAX_IDLE_WORKERS) break;
      if (choice === this.choice) continue;
      other.worker.terminate();
      this.idle.delete(choice);
    }
  }

  private spawn(choice: BackendChoice): Slot {
    const slot = new Slot(
      {
        createWorker: this.options.createWorker,
        fetchWasm: this.options.fetchWasm,
        readback: () => this.readback,
        learnReadback: (key, ok) => {
          this.readback = { ...this.readback, [key]: ok };
          this.options.onReadback?.(this.readback);
        },
        onInfo: (s) => {
          if (s === this.warm || s === this.active?.slot) this.options.onInfo?.(s.info);
        },
      },
      choice,
    );
    return slot;
  }

  /** Runs one job on the warm worker for its backend (or a new one); resolves (never rejects) with what happened. */
  run(job: RunJob): Promise<RunOutcome> {
    if (this.disposed) return Promise.resolve({ status: 'error', console: [], durationMs: 0, error: { message: 'The runner was closed.' } });
    if (this.active) return Promise.resolve({ status: 'error', console: [], durationMs: 0, error: { message: 'Another run is still in progress.' } });
    const idle = this.idle.get(job.backend);
    const slot = idle && !idle.failure ? idle : this.spawn(job.backend);
    if (idle && idle !== slot) idle.worker.terminate();
    this.idle.delete(job.backend);
    const startTimeoutMs = this.options.startTimeoutMs ?? WORKER_START_TIMEOUT_MS;
    return new Promise<RunOutcome>((resolve) => {
      const timers: ReturnType<typeof setTimeout>[] = [];
      let done = false;
      const active: ActiveRun = {
        slot,
        job,
        console: [],
        startedAt: null,
        finish: ({ reusable, ...outcome }) => {
          if (done) return;
          done = true;
          timers.forEach(clearTimeout);
          slot.onMessage = null;
          slot.onFailure = null;
          if (this.active === active) this.active = null;
          // Kept only when the worker finished on its own and reset itself; a timeout or Stop
          // (a loop, a GPU job still queued) and anything it could not reset end the worker.
          const keep = reusable === true && (outcome.status === 'ok' || outcome.status === 'error') && !slot.failure && !this.disposed;
          if (keep) this.keepIdle(slot);
          else slot.worker.terminate();
          const info = slot.info;
          resolve({
            ...outcome,
            console: outcome.console ?? active.console,
            ...(info ? { backend: info.backend, adapter: info.adapter, ...(info.fallbackReason ? { fallbackReason: info.fallbackReason } : {}) } : {}),
          });
          // The current choice always has a warm worker waiting. The last known backend stays
          // published until a new one reports, so nobody's view flickers.
          if (!this.disposed && !this.idle.has(this.choice)) this.keepIdle(this.spawn(this.choice));
        },
      };
      this.active = active;

      const cannotStart = (reason: string) => active.finish({ status: 'error', durationMs: 0, error: { message: `The runner could not start: ${reason}.` } });
      slot.onFailure = cannotStart;
      slot.onMessage = (message) => {
        if (message.type === 'console' && message.id === job.id) {
          if (active.console.length <= MAX_CONSOLE_LINES) active.console.push(message.line);
        } else if (message.type === 'result' && message.id === job.id) {
          const { type: _type, id: _id, ...result } = message;
          active.finish(result);
        }
      };
      if (slot.failure) {
        cannotStart(slot.failure);
        return;
      }
      const startTimer = setTimeout(() => slot.fail(`no answer within ${Math.round(startTimeoutMs / 1000)} s`), startTimeoutMs);
      timers.push(startTimer);
      void slot.ready.then(() => {
        // Started: from here only the run's own timeout applies (a check that compiles shaders
        // for over a minute on a software adapter was failed as "could not start" otherwise).
        clearTimeout(startTimer);
        if (done || slot.failure) return;
        // The timeout counts from here: a worker's start-up is not the snippet's time.
        active.startedAt = this.now();
        timers.push(setTimeout(() => active.finish({ status: 'timeout', durationMs: this.elapsed(active) }), job.timeoutMs));
        const message: ToWorker = { type: 'run', id: job.id, code: job.code, backend: job.backend, ...(job.challenge ? { challenge: job.challenge } : {}) };
        slot.worker.postMessage(message);
      });
    });
  }

  private elapsed(active: ActiveRun): number {
    return active.startedAt === null ? 0 : Math.round(this.now() - active.startedAt);
  }

  /** Stops the active run (terminating its worker); false when nothing was running. */
  stop(): boolean {
    const active = this.active;
    if (!active) return false;
    active.finish({ status: 'stopped', durationMs: this.elapsed(active) });
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    for (const slot of this.idle.values()) slot.worker.terminate();
    this.idle.clear();
  }
}
