/**
 * The browser bindings of the pool: the worker (bundled by Vite into its own file, the only
 * chunk with tfjs in it) and the wasm binaries, which the page fetches from our server because
 * the worker's CSP gives it no network.
 */
import type { RunnerWorker } from './pool.js';
import { WASM_FILE_NAMES, WASM_URL_PREFIX, type WasmFiles } from './protocol.js';

export function createRunnerWorker(): RunnerWorker {
  // This exact `new Worker(new URL(…, import.meta.url))` shape is what Vite recognises and bundles.
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'attn-runner' }) as unknown as RunnerWorker;
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
