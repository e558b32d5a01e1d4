/**
 * The messages between the page and the runner worker. The worker gets only what a run needs
 * (code, the backend choice, challenge cases, the wasm binaries): never the room token, the
 * Y.Doc or anything from the DOM. Everything here is structured-clone data.
 */
import type { CaseResult, ClientCase, SerializedValue } from '../../shared/challenge.js';
import type { RunBackend, RunConsoleLine } from '../../shared/doc.js';

export type BackendChoice = 'auto' | RunBackend;

/** The wasm binaries tfjs-backend-wasm may load; the threaded build needs cross-origin isolation, which attn does not set. */
export const WASM_FILE_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;
export type WasmFileName = (typeof WASM_FILE_NAMES)[number];
export type WasmFiles = Record<WasmFileName, ArrayBuffer>;

/** Where the server serves them (server/http/static.ts); the page fetches them, the worker can't. */
export const WASM_URL_PREFIX = '/tfjs-wasm/';

export interface ChallengeJob {
  functionName: string;
  /** a candidate's page has no expected outputs for hidden cases: the server judges those */
  cases: ClientCase[];
}

/**
 * Whether tfjs-webgpu's synchronous readback (`dataSync()` of a GPU tensor, done through a
 * canvas) works in this browser's workers, per "<adapter> | <user agent>". In Chromium's software
 * WebGPU it returns zeros and loses the worker's GPU; a worker that meets an adapter not in this
 * memo tests it once (and, when broken, is replaced), and the page remembers the answer.
 */
export type ReadbackMemo = Record<string, boolean>;

export type ToWorker =
  /** First message: pick a backend now, so the worker is warm before the first run. */
  | { type: 'init'; backend: BackendChoice; readback: ReadbackMemo }
  /** The answer to `need-wasm`: the binaries, or why the page could not get them. */
  | { type: 'wasm'; files: WasmFiles }
  | { type: 'wasm'; error: string }
  | { type: 'run'; id: string; code: string; backend: BackendChoice; challenge?: ChallengeJob };

export interface BackendInfo {
  backend: RunBackend;
  /** e.g. "nvidia · ampere", "swiftshader (software)", "wasm (simd)" */
  adapter: string;
  /** set when a better (or the requested) backend could not be used, saying why */
  fallbackReason?: string;
}

export interface RunResult {
  id: string;
  status: 'ok' | 'error';
  console: RunConsoleLine[];
  value?: string;
  error?: { message: string; line?: number; column?: number };
  /** the browser's own comparison, where it has the expected output; never the verdict */
  checks?: CaseResult[];
  /** a check's output per case (null where the function threw), sent to the server to judge */
  outputs?: (SerializedValue | null)[];
  durationMs: number;
  truncated?: boolean;
  /**
   * The worker reset the run's globals and tensors and may take the next run (pool.ts keeps it
   * warm); false or absent: the page terminates it.
   */
  reusable?: boolean;
}

export type FromWorker =
  | ({ type: 'backend' } & BackendInfo)
  | { type: 'ready' }
  /** The WebGPU sync readback test's answer for `key`; after `ok: false` the worker's GPU is lost: replace it. */
  | { type: 'readback'; key: string; ok: boolean }
  /** The worker is about to initialise the wasm backend and needs its binaries. */
  | { type: 'need-wasm' }
  /** Console output as it happens, so a run that is killed (timeout, Stop) keeps what it printed. */
  | { type: 'console'; id: string; line: RunConsoleLine }
  | ({ type: 'result' } & RunResult);
