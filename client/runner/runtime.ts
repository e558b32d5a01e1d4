/**
 * The browser bindings of the pool: the worker (bundled by Vite into its own file, the only
 * chunk with tfjs in it) and the wasm binaries, which the page fetches from our server because
 * the worker has no network.
 */
import type { RunnerWorker } from './pool.js';
import { WASM_FILE_NAMES, WASM_URL_PREFIX, type WasmFiles } from './protocol.js';
import { RunnerSandbox } from './sandbox.js';
import { RUNNER_HOST_PATH } from '../../shared/protocol.js';
import runnerScriptUrl from './worker.ts?worker&url';

let sandbox: RunnerSandbox | null = null;

export function createRunnerWorker(): RunnerWorker {
  // Vite's dev server serves the worker as ES modules that import each other, which a worker
  // evaluated in an opaque origin cannot load: in dev only, it runs as a plain same-origin worker.
  if (import.meta.env.DEV) return new Worker(runnerScriptUrl, { type: 'module', name: 'attn-runner' }) as unknown as RunnerWorker;
  // One sandbox frame per page, made when the pool warms its first worker; one that failed to load
  // is replaced at the next worker, so a passing network error costs one run, not the page.
  if (!sandbox || sandbox.failed) sandbox = new RunnerSandbox({ hostUrl: RUNNER_HOST_PATH, scriptUrl: runnerScriptUrl });
  return sandbox.createWorker();
}

let wasmFiles: Promise<WasmFiles> | null = null;

/** Fetched once per page, on the first worker that needs them; a failure is retried next time. */
export function fetchWasmFiles(): Promise<WasmFiles> {
  wasmFiles ??= (async () => {
    const entries = await Promise.all(
      WASM_FILE_NAMES.map(async (name) => {
        const response = await fetch(WASM_URL_PREFIX + name, { credentials: 'omit' });
        if (!response.ok) throw new Error(`GET ${WASM_URL_PREFIX}${name} answered ${response.status}`);
        return [name, await response.arrayBuffer()] as const;
      }),
    );
    return Object.fromEntries(entries) as WasmFiles;
  })().catch((error: unknown) => {
    wasmFiles = null;
    throw error;
  });
  return wasmFiles;
}
