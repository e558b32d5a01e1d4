/**
 * The snippet runner: one worker per run (the pool keeps one warm), the only place attn loads
 * tfjs. It receives code, a backend choice and challenge inputs; it never sees the room token, the
 * Y.Doc or the DOM. It runs in an opaque origin: client/runner/sandbox.ts starts it as a data:
 * worker inside the sandboxed /runner-host frame, whose CSP (server/http/runnerHost.ts) the worker
 * inherits — eval and wasm allowed, no network (connect-src blob: only), no storage, IndexedDB,
 * caches, cookies or BroadcastChannel of attn's origin. A check's outputs go to the server, which
 * judges them: nothing this worker says about pass or fail is trusted.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone has neither `tensor.matMul()`-style methods nor gradients; the tfjs union
// package registers both, and snippets written for it expect them.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { compareValues, type CaseResult, type SerializedValue } from '../../shared/challenge.js';
import type { RunBackend, RunConsoleLine } from '../../shared/doc.js';
import { CPU_ADAPTER, autoSkipReason, describeGpuAdapter, describeWasm, describeWebglRenderer, isSoftwareAdapter, selectBackend, type Attempt, type BackendSelection } from './backend.js';
import { formatConsoleArgs, formatValue, tensorsIn, type TensorLike } from './format.js';
import { MAX_ERROR_CHARS, OutputBuffer, clip } from './output.js';
import type { BackendChoice, BackendInfo, ChallengeJob, FromWorker, ReadbackMemo, ToWorker, WasmFiles } from './protocol.js';
import { PROBE_BODY, SNIPPET_PARAMS, compileSnippet, describeThrown, headerLinesFromProbe } from './transform.js';
import { compactFloat32, toCallArgs } from '../../shared/challengeSpec.js';
import { UnserializableValueError, fromRuntime, type ReadTensor } from './values.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;
// Bound now: a snippet that patches the global scope's postMessage cannot forge a later run's messages.
const postMessage = scope.postMessage.bind(scope);
const post = (message: FromWorker) => postMessage(message);
/** The console's own methods, put back after each run (captureConsole replaces them while one runs). */
const NATIVE_CONSOLE: Record<string, unknown> = { ...(globalThis.console as unknown as Record<string, unknown>) };

/** The global object's own properties, and the values of its `on…` event handler attributes. */
interface GlobalSnapshot {
  descriptors: Map<PropertyKey, PropertyDescriptor>;
  handlers: Map<PropertyKey, unknown>;
}

function snapshotGlobals(): GlobalSnapshot {
  const descriptors = new Map<PropertyKey, PropertyDescriptor>();
  const handlers = new Map<PropertyKey, unknown>();
  const g = globalThis as unknown as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, key);
    if (!d) continue;
    descriptors.set(key, d);
    // onmessage and friends are accessors whose value lives inside the browser: compare values.
    if (typeof key === 'string' && key.startsWith('on') && d.set) handlers.set(key, readGlobal(g, key));
  }
  // the prototype chain's handler attributes (WorkerGlobalScope's onmessage, onerror, …)
  for (let proto = Object.getPrototypeOf(globalThis); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (key.startsWith('on') && d?.set && !handlers.has(key)) handlers.set(key, readGlobal(g, key));
    }
  }
  return { descriptors, handlers };
}

function readGlobal(g: Record<PropertyKey, unknown>, key: string): unknown {
  try {
    return g[key];
  } catch {
    return null;
  }
}

/** Puts the global object back as `base` found it; false when something could not be. */
function restoreGlobals(base: GlobalSnapshot): boolean {
  let clean = true;
  const g = globalThis as unknown as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(globalThis)) {
    if (!base.descriptors.has(key) && !Reflect.deleteProperty(globalThis, key)) clean = false;
  }
  for (const [key, d] of base.descriptors) {
    const now = Object.getOwnPropertyDescriptor(globalThis, key);
    if (now && now.value === d.value && now.get === d.get && now.set === d.set) continue;
    try {
      Object.defineProperty(globalThis, key, d);
    } catch {
      clean = false;
    }
  }
  for (const [key, value] of base.handlers) {
    try {
      if (g[key] !== value) g[key] = value;
    } catch {
      clean = false;
    }
  }
  return clean;
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

/** How long to wait for the page to answer `need-wasm`. */
const WASM_WAIT_MS = 15_000;

// ---- backends ---------------------------------------------------------------

let current: BackendInfo | null = null;
let currentChoice: BackendChoice | null = null;
let wasmPathsSet = false;
let wasmFiles: Promise<WasmFiles> | null = null;
let receiveWasm: ((answer: Extract<ToWorker, { type: 'wasm' }>) => void) | null = null;

function requestWasm(): Promise<WasmFiles> {
  wasmFiles ??= new Promise<WasmFiles>((resolve, reject) => {
    receiveWasm = (answer) => ('files' in answer ? resolve(answer.files) : reject(new Error(answer.error)));
    setTimeout(() => reject(new Error('the page did not send the wasm binaries')), WASM_WAIT_MS);
    post({ type: 'need-wasm' });
  });
  return wasmFiles;
}

/** Tries one backend for `choice`; under auto, a software GPU adapter is declined before tfjs touches it. */
const attemptFor =
  (choice: BackendChoice): Attempt =>
  async (backend: RunBackend): Promise<string | null> => {
    switch (backend) {
      case 'webgpu': {
        if (!('gpu' in navigator) || !navigator.gpu) return 'not available in this browser (no navigator.gpu)';
        const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
        if (!adapter) return 'no adapter (navigator.gpu.requestAdapter() returned null)';
        const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
        const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
        const described = describeGpuAdapter(info, legacyFallback);
        const skip = autoSkipReason(choice, backend, described);
        if (skip) return skip;
        if (!(await tf.setBackend('webgpu'))) return "tf.setBackend('webgpu') returned false (the device could not be created)";
        if (tf.getBackend() !== 'webgpu') return `tfjs is on ${tf.getBackend()} after setBackend('webgpu')`;
        if (isSoftwareAdapter(described)) useSoftwareMatMul();
        current = { backend, adapter: described };
        return null;
      }
      case 'webgl': {
        // Read the renderer on a throwaway context first, so auto never builds tfjs's webgl backend on a software one.
        const skip = autoSkipReason(choice, backend, probeWebglRenderer());
        if (skip) return skip;
        if (!(await tf.setBackend('webgl'))) return "tf.setBackend('webgl') returned false (no WebGL context in a worker here)";
        if (tf.getBackend() !== 'webgl') return `tfjs is on ${tf.getBackend()} after setBackend('webgl')`;
        current = { backend, adapter: webglRenderer() };
        return null;
      }
      default:
        return attemptOther(backend);
    }
  };

/** tfjs-backend-webgpu picks its workgroup-reduction matMul program for outputs this small (BatchMatMul_impl). */
const REDUCE_MATMUL_MAX_OUTPUT = 128;
let softwareMatMul = false;

/**
 * On a software adapter, a matMul whose output is small enough for tfjs's workgroup-reduction
 * program gets its small-output program instead. The reduction program suits a GPU, but its
 * barriers make it the slowest kernel on SwiftShader: a [1,4,8]x[1,8,6] matMul took 25-40 ms
 * there against ~3 ms, and 4 of the attention challenge's 6 cases hit it twice each. Larger
 * products keep tfjs's own choice (forcing one program for every size made attention at seq
 * 1024 4x slower, or, with the tiled program, compiled ~10 pipelines per check instead of 2).
 * The product is the same; only the order of the float32 sums differs.
 */
function useSoftwareMatMul(): void {
  if (softwareMatMul) return;
  softwareMatMul = true;
  const flag = 'WEBGPU_MATMUL_PROGRAM_TYPE';
  const smallOutput = webgpu_util.MatMulProgramType.MatMulSmallOutputSizeProgram;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'webgpu');
    if (!original) continue;
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a?: tf.TensorInfo; b?: tf.TensorInfo };
        const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
        if (!a || !b || a.shape.length < 2 || b.shape.length < 2 || tf.env().get(flag) !== -1) return original.kernelFunc(args);
        const rows = a.shape[transposeA ? a.shape.length - 1 : a.shape.length - 2]!;
        const cols = b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1]!;
        const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
        if (batch * rows * cols > REDUCE_MATMUL_MAX_OUTPUT) return original.kernelFunc(args);
        tf.env().set(flag, smallOutput);
        try {
          return original.kernelFunc(args);
        } finally {
          tf.env().set(flag, -1);
        }
      },
    });
  }
}

async function attemptOther(backend: 'wasm' | 'cpu'): Promise<string | null> {
  switch (backend) {
    case 'wasm': {
      if (!wasmPathsSet) {
        const files = await requestWasm();
        // Blob URLs of bytes the page fetched: the worker itself may not fetch from the network.
        const url = (bytes: ArrayBuffer) => URL.createObjectURL(new Blob([bytes], { type: 'application/wasm' }));
        const plain = url(files['tfjs-backend-wasm.wasm']);
        const simd = url(files['tfjs-backend-wasm-simd.wasm']);
        // The threaded build needs SharedArrayBuffer (cross-origin isolation, which attn does not
        // enable): say so up front, so tfjs never picks it; its map entry only satisfies setWasmPaths.
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': simd });
        wasmPathsSet = true;
      }
      if (!(await tf.setBackend('wasm'))) return "tf.setBackend('wasm') returned false (the wasm module did not load)";
      if (tf.getBackend() !== 'wasm') return `tfjs is on ${tf.getBackend()} after setBackend('wasm')`;
      current = { backend, adapter: describeWasm(Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) };
      return null;
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) return "tf.setBackend('cpu') returned false";
      current = { backend, adapter: CPU_ADAPTER };
      return null;
    }
  }
}

/** The renderer of a fresh WebGL2 context, described; "unknown renderer" where there is none. */
function probeWebglRenderer(): string {
  try {
    if (typeof OffscreenCanvas === 'undefined') return describeWebglRenderer(null);
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return describeWebglRenderer(null);
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return describeWebglRenderer(renderer);
  } catch {
    return describeWebglRenderer(null);
  }
}

function webglRenderer(): string {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl;
    if (!gl) return describeWebglRenderer(null);
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return describeWebglRenderer(String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
  } catch {
    return describeWebglRenderer(null);
  }
}

/** Switches (at a run whose choice differs from the warm one's); a run never tests sync readback. */
async function useBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (current && currentChoice === choice) return current;
  return adopt(choice, await selectBackend(choice, attemptFor(choice)));
}

/** Records the backend `selectBackend` just made live, and tells the page. */
function adopt(choice: BackendChoice, selection: BackendSelection): BackendInfo {
  currentChoice = choice;
  current = { ...current!, ...(selection.fallbackReason ? { fallbackReason: selection.fallbackReason } : {}) };
  if (current.backend === 'webgpu') {
    // A run that switches to webgpu never tests readback; it trusts only a remembered answer.
    syncReadbackOk ||= readbackMemo[readbackKey(current.adapter)] === true;
    if (!syncReadbackOk) guardSyncReadback();
  }
  post({ type: 'backend', ...current });
  return current;
}

// ---- WebGPU synchronous readback ----------------------------------------------------

let readbackMemo: ReadbackMemo = {};
let syncReadbackOk = false;

function readbackKey(adapter: string): string {
  return `${adapter} | ${navigator.userAgent}`;
}

interface WebGpuInternals {
  tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
  readSync(dataId: object): unknown;
}

/**
 * Reads a GPU-only tensor synchronously (tfjs does that through a canvas) and checks the
 * values. Where that is broken it also loses the worker's GPU, so only a warm-up worker, not a
 * run, ever tries it, and the page replaces that worker (see ReadbackMemo).
 */
function syncReadbackWorks(): boolean {
  try {
    return tf.tidy(() => {
      const ones = tf.ones([64, 64]);
      const product = tf.matMul(ones, ones); // computed on the GPU: too big for tfjs's CPU forwarding
      const values = product.dataSync();
      return values.length === 64 * 64 && values[0] === 64 && values[values.length - 1] === 64;
    });
  } catch {
    return false;
  }
}

/**
 * Where sync readback is broken (or untested), `dataSync()`/`arraySync()` of a GPU tensor
 * throw a clear error instead of returning zeros and losing the device. CPU-resident tensors
 * (created from data, or already read) still read synchronously.
 */
function guardSyncReadback(): void {
  const backend = tf.backend() as unknown as WebGpuInternals;
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data && data.values == null && data.dtype !== 'string' && data.dtype !== 'complex64') {
      throw new Error(
        'dataSync()/arraySync() cannot read WebGPU memory synchronously in this browser: use `await t.data()` or `await t.array()` ' +
          '(print() and console.log work), or pick the webgl backend.',
      );
    }
    return readSync(dataId);
  };
}

// ---- running a snippet ------------------------------------------------------------

let headerLines: number | null = null;

/** Measures the engine's wrapper lines once (see headerLinesFromProbe). */
async function measureHeaderLines(): Promise<number> {
  if (headerLines !== null) return headerLines;
  try {
    await new AsyncFunction(PROBE_BODY)();
  } catch (error) {
    headerLines = headerLinesFromProbe(error instanceof Error ? error.stack : undefined);
  }
  return headerLines ?? headerLinesFromProbe(undefined);
}

function requireShim(name: string): unknown {
  if (name === '@tensorflow/tfjs' || name === '@tensorflow/tfjs-core') return tf;
  throw new Error(`Cannot import "${name}": the pad has tf (TensorFlow.js) in scope and nothing else, and runs without network access.`);
}

/** tfjs's advice for production apps, printed on a snippet's first `dataSync()`; reading a small result synchronously is fine in a pad. */
const IGNORED_WARNINGS = [/^The performance of synchronously reading data from GPU to CPU is poor/];

type Level = RunConsoleLine['level'];
const CONSOLE_LEVELS: Record<string, Level> = { log: 'log', info: 'info', warn: 'warn', error: 'error', debug: 'log', trace: 'log', dir: 'log', table: 'log' };

/**
 * A console whose output goes to the run. It also replaces the worker's global console while the
 * snippet runs, because tfjs's own `tensor.print()` calls the global `console.log`.
 *
 * On WebGPU a logged tensor is read with the async API at the moment it is logged (so it
 * prints even if it is disposed right after, e.g. at the end of a tf.tidy), and lines are
 * emitted in order once the values arrive; `flush()` waits for them. Everything else is
 * emitted at once, so a snippet stuck in a loop still shows what it printed before.
 */
function captureConsole(id: string, out: OutputBuffer): { console: Console; flush: () => Promise<void> } {
  const readAhead = tf.getBackend() === 'webgpu';
  let tail: Promise<void> | null = null;
  const write = (level: Level, args: unknown[], values?: Map<TensorLike, ArrayLike<unknown>>) => {
    const line = out.push(level, formatConsoleArgs(args, values ? { valuesOf: (t) => values.get(t) } : {}));
    if (line) post({ type: 'console', id, line });
  };
  const emit = (level: Level, args: unknown[]) => {
    if (level === 'warn' && typeof args[0] === 'string' && IGNORED_WARNINGS.some((re) => re.test(args[0] as string))) return;
    const tensors = readAhead ? tensorsIn(args).filter((t) => !t.isDisposed) : [];
    if (tensors.length === 0 && tail === null) {
      write(level, args);
      return;
    }
    const reads = tensors.map(async (t): Promise<[TensorLike, ArrayLike<unknown>] | null> => {
      // A kept clone holds the data while it downloads, in case the snippet disposes the
      // tensor first (as a tf.tidy does when it ends right after a print).
      let held: tf.Tensor | null = null;
      try {
        held = tf.keep((t as unknown as tf.Tensor).clone());
        return [t, await held.data()];
      } catch {
        return null;
      } finally {
        held?.dispose();
      }
    });
    const task: Promise<void> = (tail ?? Promise.resolve()).then(async () => {
      const values = new Map((await Promise.all(reads)).filter((e): e is [TensorLike, ArrayLike<unknown>] => e !== null));
      write(level, args, values);
    });
    tail = task;
    void task.finally(() => {
      if (tail === task) tail = null;
    });
  };
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const captured: Partial<Console> = {
    assert: (condition?: boolean, ...args: unknown[]) => {
      if (!condition) emit('error', ['Assertion failed' + (args.length ? ':' : ''), ...args]);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      emit('log', [`${label}: ${n}`]);
    },
    time: (label = 'default') => void timers.set(label, performance.now()),
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      timers.delete(label);
      emit(start === undefined ? 'warn' : 'log', [start === undefined ? `Timer "${label}" does not exist` : `${label}: ${(performance.now() - start).toFixed(1)} ms`]);
    },
    timeLog: (label = 'default', ...args: unknown[]) => {
      const start = timers.get(label);
      emit('log', [start === undefined ? `Timer "${label}" does not exist` : `${label}: ${(performance.now() - start).toFixed(1)} ms`, ...args]);
    },
  };
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    (captured as Record<string, unknown>)[method] = (...args: unknown[]) => emit(level, args);
  }
  const target = globalThis.console as unknown as Record<string, unknown>;
  for (const [method, fn] of Object.entries(captured)) target[method] = fn;
  // tfjs's print() is console.log(t.toString()), a synchronous read; print the tensor itself
  // instead, which the console above reads the right way for the backend.
  (tf.Tensor.prototype as unknown as { print: (this: tf.Tensor) => void }).print = function print(this: tf.Tensor) {
    emit('log', [this]);
  };
  return {
    console: captured as Console,
    flush: async () => {
      while (tail) await tail;
    },
  };
}

/** Reads every tensor in a returned value with the async API, so formatting needs no sync readback. */
async function settleTensors(value: unknown): Promise<void> {
  await Promise.all(tensorsIn(value).map((t) => (t.isDisposed ? undefined : (t as unknown as tf.Tensor).data().catch(() => undefined))));
}

const readTensor: ReadTensor = (t) => (t as unknown as tf.Tensor).data();

/** A case that ran: its output's values on the way (reads already issued), or what it threw. */
interface PendingCase {
  /** the case's call, performance.now() at its start and end */
  calledAt: number;
  returnedAt: number;
  outcome: Promise<{ value: SerializedValue; arrivedAt: number } | { thrown: unknown }>;
}

/**
 * Runs the candidate's function on every case's inputs. What counts is `outputs`, which the page
 * sends to the server to judge: snippet code shares this worker and could forge anything else.
 * `checks` is the local comparison where this page has an expected output (example cases, or
 * every case on an interviewer's page), and the timing and error of every case.
 *
 * Every case is called first, each output's read issued as soon as its call returns, and the
 * values awaited after the last call. On a GPU backend a read is a queue submit plus a map of a
 * staging buffer: awaiting it before the next call left the GPU idle while JavaScript queued the
 * next case, and paid the round trip once per case. The cases' work is the same on every backend.
 */
async function runChecks(
  fn: unknown,
  challenge: ChallengeJob,
  describe: (thrown: unknown) => { message: string; line?: number },
): Promise<{ checks: CaseResult[]; outputs: (SerializedValue | null)[] }> {
  if (typeof fn !== 'function') {
    throw new Error(`No function ${challenge.functionName} in the pad: define it as \`export function ${challenge.functionName}(…)\`.`);
  }
  const pending: PendingCase[] = [];
  for (const c of challenge.cases) {
    // A scope per case frees its intermediate tensors; it stays correct across the function's
    // awaits because the cases are called one after another. Its output moves to the run's scope
    // (freed when the run ends), so the read in flight still has a tensor to read.
    tf.engine().startScope();
    let out: unknown;
    let calledAt = performance.now();
    try {
      // The same conversion the server used to run the reference (shared/challengeSpec.ts).
      const inputs = toCallArgs(tf, c.inputs);
      calledAt = performance.now();
      out = (fn as (...args: unknown[]) => unknown)(...inputs);
      if (out instanceof Promise) out = await out;
      const returnedAt = performance.now();
      pending.push({ calledAt, returnedAt, outcome: readOutput(out) });
    } catch (thrown) {
      out = undefined;
      pending.push({ calledAt, returnedAt: performance.now(), outcome: Promise.resolve({ thrown }) });
    } finally {
      endCaseScope(out);
    }
  }
  const checks: CaseResult[] = [];
  const outputs: (SerializedValue | null)[] = [];
  // A case's ms: its own call, plus how long the run then waited for its values beyond the last
  // call and the previous case's values (a GPU runs the queued cases in order). Values that
  // arrived while later cases were being called cost no wait: that time is in those calls. The
  // cases' ms add up to the time the run spent on them.
  let waitedUntil = pending.length ? pending[pending.length - 1]!.returnedAt : 0;
  for (const [i, c] of challenge.cases.entries()) {
    const { calledAt, returnedAt, outcome } = pending[i]!;
    const settled = await outcome;
    const arrivedAt = 'value' in settled ? settled.arrivedAt : returnedAt;
    const ms = returnedAt - calledAt + Math.max(0, arrivedAt - waitedUntil);
    waitedUntil = Math.max(waitedUntil, arrivedAt);
    if ('thrown' in settled) {
      // A value that can't be compared is the candidate's mistake, said plainly (no class name).
      const described = settled.thrown instanceof UnserializableValueError ? { message: settled.thrown.message } : describe(settled.thrown);
      const where = described.line ? ` (line ${described.line})` : '';
      outputs.push(null);
      checks.push({ name: c.name, pass: false, maxAbsError: null, tolerance: c.tolerance, ms, message: clip(described.message + where, 500) });
      continue;
    }
    const actual = compactOutput(settled.value);
    outputs.push(actual);
    if (c.expected) {
      const compared = compareValues(actual, c.expected, c.tolerance);
      checks.push({ name: c.name, pass: compared.pass, maxAbsError: compared.maxAbsError, tolerance: c.tolerance, ms, ...(compared.message ? { message: clip(compared.message, 500) } : {}) });
    } else {
      checks.push({ name: c.name, pass: false, maxAbsError: null, tolerance: c.tolerance, ms, message: HIDDEN_CASE_NOTE });
    }
  }
  return { checks, outputs };
}

/** Ends a case's scope, keeping the tensors of its output (however nested) for the reads in flight. */
function endCaseScope(out: unknown): void {
  try {
    tf.engine().endScope(out as tf.TensorContainer);
  } catch {
    // tfjs walks the output before it changes anything; an output it cannot walk (a getter that
    // throws) keeps nothing, and its serialisation reports the disposed tensor.
    tf.engine().endScope();
  }
}

/**
 * Issues the reads of every tensor in a case's output now and serialises it when they arrive.
 * Never rejects (a rejection nobody awaits yet would reach the snippet's console as unhandled).
 */
function readOutput(out: unknown): PendingCase['outcome'] {
  const reads = new Map<TensorLike, ReturnType<ReadTensor>>();
  for (const t of tensorsIn(out)) {
    if (t.isDisposed || reads.has(t)) continue;
    const read = readTensor(t);
    read.catch(() => undefined); // awaited (and reported) through fromRuntime below
    reads.set(t, read);
  }
  return fromRuntime(out, (t) => reads.get(t) ?? readTensor(t)).then(
    (value) => ({ value, arrivedAt: performance.now() }),
    (thrown: unknown) => ({ thrown }),
  );
}

/** Shown for a hidden case until the server's verdict replaces it. */
const HIDDEN_CASE_NOTE = 'hidden case: only the server can judge it';

/** float32 data as shortest decimals: half the bytes on the way to the server, the same float32 values. */
function compactOutput(value: SerializedValue): SerializedValue {
  switch (value.kind) {
    case 'tensor':
      return value.dtype === 'float32' ? { ...value, data: value.data.map(compactFloat32) } : value;
    case 'array':
      return { kind: 'array', items: value.items.map(compactOutput) };
    case 'record':
      return { kind: 'record', entries: Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, compactOutput(v)])) };
    default:
      return value;
  }
}

type ResultMessage = Extract<FromWorker, { type: 'result' }>;

/** Runs one snippet (or check) and returns its result; `run` resets the worker around it. */
async function execute(message: Extract<ToWorker, { type: 'run' }>): Promise<ResultMessage> {
  const { id, code, challenge } = message;
  const out = new OutputBuffer();
  let durationMs = 0;
  const finish = (result: Partial<ResultMessage> & { status: 'ok' | 'error' }): ResultMessage => ({
    type: 'result',
    id,
    console: out.lines,
    durationMs,
    ...(out.truncated ? { truncated: true } : {}),
    ...result,
  });

  try {
    await useBackend(message.backend);
  } catch (error) {
    return finish({ status: 'error', error: { message: clip(error instanceof Error ? error.message : String(error), MAX_ERROR_CHARS) } });
  }
  const header = await measureHeaderLines();
  const compiled = compileSnippet(code, challenge?.functionName);
  if (!compiled.ok) {
    return finish({ status: 'error', error: compiled.error });
  }
  let fn: (...args: unknown[]) => Promise<unknown>;
  try {
    fn = new AsyncFunction(...SNIPPET_PARAMS, compiled.body);
  } catch (error) {
    // What sucrase accepted but the engine did not (e.g. a duplicate `let`); engines give no line here.
    return finish({ status: 'error', error: describeThrown(error, header, compiled) });
  }
  const describe = (thrown: unknown) => describeThrown(thrown, header, compiled);
  const { console: snippetConsole, flush } = captureConsole(id, out);
  activeConsole = snippetConsole;
  // The first snippet this worker runs fixes the baseline its later runs are reset to.
  baselineGlobals ??= snapshotGlobals();
  tensorsBefore = tf.memory().numTensors;
  tf.engine().startScope();
  scopeOpen = true;

  const exportsObject: Record<string, unknown> = {};
  const moduleObject = { exports: exportsObject };
  // The duration covers the snippet and reading back what it returned, so work a GPU backend
  // queued asynchronously is counted, not just the time to enqueue it.
  const started = performance.now();
  try {
    const returned = await fn(tf, exportsObject, moduleObject, requireShim, snippetConsole);
    if (challenge) {
      const exported = (moduleObject.exports as Record<string, unknown>)[challenge.functionName] ?? returned;
      const { checks, outputs } = await runChecks(exported, challenge, describe);
      durationMs = performance.now() - started;
      await flush();
      return finish({ status: 'ok', checks, outputs });
    }
    await settleTensors(returned);
    durationMs = performance.now() - started;
    await flush();
    return finish({ status: 'ok', ...(returned === undefined ? {} : { value: out.fitValue(formatValue(returned)) }) });
  } catch (error) {
    durationMs = performance.now() - started;
    await flush();
    return finish({ status: 'error', error: describe(error) });
  }
}

/** The snippet console of the run in progress: uncaught errors and rejections go there. */
let activeConsole: Console | null = null;
let baselineGlobals: GlobalSnapshot | null = null;
let tensorsBefore = 0;
let scopeOpen = false;

// Once per worker (not per run, which would stack a listener per run on a warm worker).
scope.addEventListener('error', (event) => {
  if (!activeConsole) return;
  event.preventDefault();
  activeConsole.error('Uncaught', event.error ?? event.message);
});
scope.addEventListener('unhandledrejection', (event) => {
  if (!activeConsole) return;
  event.preventDefault();
  activeConsole.error('Unhandled promise rejection:', event.reason);
});

/**
 * One run on a warm worker: the snippet, then the reset that lets the next run start clean.
 * Tensors the run created are freed (its engine scope ends, its variables are disposed); the
 * global object is put back as the first run found it (properties added are deleted, replaced
 * ones restored, `on…` handlers cleared); the console methods tfjs prints through are restored.
 * `reusable` is false when any of that failed (a tensor kept past the scope, a global that
 * cannot be deleted), and the page then terminates this worker instead of keeping it.
 * Not reset: prototypes of built-ins a snippet patched, and timers it left running. Both stay
 * within this page's runs: the same person's, or an interviewer's remote run of the room's own
 * pad on this machine; checks are judged by the server whatever the worker says.
 */
async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const result = await execute(message);
  let reusable = true;
  try {
    if (scopeOpen) tf.engine().endScope();
    scopeOpen = false;
    tf.disposeVariables();
    if (tf.memory().numTensors > tensorsBefore) reusable = false;
    if (baselineGlobals && !restoreGlobals(baselineGlobals)) reusable = false;
    Object.assign(globalThis.console, NATIVE_CONSOLE);
  } catch {
    reusable = false;
  }
  activeConsole = null;
  post({ ...result, reusable });
}

async function init(choice: BackendChoice): Promise<void> {
  try {
    // The test runs before the guard goes on: it has to try the real readback.
    const selection = await selectBackend(choice, attemptFor(choice));
    if (current?.backend === 'webgpu') {
      const key = readbackKey(current.adapter);
      syncReadbackOk = readbackMemo[key] ?? syncReadbackWorks();
      if (readbackMemo[key] === undefined) {
        post({ type: 'readback', key, ok: syncReadbackOk });
        if (!syncReadbackOk) return; // this worker's GPU is gone; the page starts another one
      }
    }
    adopt(choice, selection);
  } catch {
    // No backend at all: the run reports it when it tries again.
  }
  post({ type: 'ready' });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      readbackMemo = message.readback;
      void init(message.backend);
      return;
    case 'wasm':
      receiveWasm?.(message);
      return;
    case 'run':
      void run(message);
      return;
  }
});
