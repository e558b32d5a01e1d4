/**
 * The built client, plus the two things the snippet runner needs from us:
 *
 * - its worker script (assets/attn-runner-<hash>.js, named so by vite.config.ts). In production
 *   the page fetches it as text and the sandbox frame runs it in an opaque-origin worker, whose
 *   policy is the frame's (server/http/runnerHost.ts). The file still goes out with a CSP of its
 *   own, as a second wall: should anything start a worker from this URL directly (a dedicated
 *   worker takes its policy from its script's response), it gets eval and wasm compile (the
 *   snippet is run with the AsyncFunction constructor, tfjs-backend-wasm compiles its module) and
 *   no network: no connect (except blob:, for the wasm bytes the page hands over), no scripts,
 *   no nested workers. The worker is one self-contained file, so it needs no script source.
 * - the tfjs wasm binaries, served from node_modules (never a CDN: attn works offline). The
 *   page fetches them and passes the bytes to the worker.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { Router } from 'express';
import { precompressedStatic } from './assets.js';

export const RUNNER_WORKER_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-eval' 'wasm-unsafe-eval'",
  'connect-src blob:',
  "worker-src 'none'",
].join('; ');

/** The runner worker's file, as vite.config.ts names it (`assets/attn-runner-[hash].js`). */
const RUNNER_WORKER_FILE = /^attn-runner-[\w-]+\.js$/;

export function isRunnerWorkerAsset(filePath: string): boolean {
  return path.basename(path.dirname(filePath)) === 'assets' && RUNNER_WORKER_FILE.test(path.basename(filePath));
}

/** The built client, precompressed and cached by name (./assets.ts); only the runner worker gets the sandbox CSP. */
export function clientStatic(clientDir: string): express.RequestHandler {
  return precompressedStatic(clientDir, (res, filePath) => {
    if (isRunnerWorkerAsset(filePath)) res.setHeader('Content-Security-Policy', RUNNER_WORKER_CSP);
  });
}

/** The binaries tfjs-backend-wasm may ask for (the threaded one needs cross-origin isolation, which attn does not set). */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

export function tfjsWasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/**
 * GET /tfjs-wasm/<name>.wasm. The names carry no version, so browsers revalidate (ETag) rather
 * than cache them for a year: a tfjs upgrade must never pair new glue code with an old binary.
 */
export function tfjsWasmRouter(dir = tfjsWasmDir()): Router {
  const r = Router();
  r.get('/:name', (req, res, next) => {
    const name = req.params.name;
    if (!(TFJS_WASM_FILES as readonly string[]).includes(name)) {
      next();
      return;
    }
    res.sendFile(name, { root: dir, cacheControl: false, headers: { 'Content-Type': 'application/wasm', 'Cache-Control': 'no-cache' } }, (error) => {
      if (error) next(error);
    });
  });
  return r;
}
