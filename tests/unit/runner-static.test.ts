/**
 * The runner's server side: its worker script gets the no-network CSP (and nothing else does),
 * and the tfjs wasm binaries are served from node_modules as application/wasm.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNER_WORKER_CSP, clientStatic, isRunnerWorkerAsset, tfjsWasmRouter } from '../../server/http/static.js';

describe('isRunnerWorkerAsset', () => {
  it('matches only assets/attn-runner-<hash>.js', () => {
    expect(isRunnerWorkerAsset('/srv/dist/client/assets/attn-runner-COvvDbB4.js')).toBe(true);
    expect(isRunnerWorkerAsset('/srv/dist/client/assets/attn-runner-COvvDbB4.js.map')).toBe(false);
    expect(isRunnerWorkerAsset('/srv/dist/client/assets/RoomPage-AXEhEC8e.js')).toBe(false);
    expect(isRunnerWorkerAsset('/srv/dist/client/attn-runner-COvvDbB4.js')).toBe(false);
  });

  it('keeps the network closed and allows what tfjs and the snippet need', () => {
    expect(RUNNER_WORKER_CSP).toBe("default-src 'none'; script-src 'unsafe-eval' 'wasm-unsafe-eval'; connect-src blob:; worker-src 'none'");
  });
});

describe('serving', () => {
  let base = '';
  let close: () => void = () => undefined;
  let dir = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-static-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'attn-runner-abc123.js'), 'self.onmessage = () => {};');
    fs.writeFileSync(path.join(dir, 'assets', 'RoomPage-abc123.js'), 'export {};');
    const app = express();
    app.use('/tfjs-wasm', tfjsWasmRouter());
    app.use(clientStatic(dir));
    app.use((_req, res) => res.status(404).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the worker with its CSP, and other scripts without', async () => {
    const worker = await fetch(`${base}/assets/attn-runner-abc123.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-security-policy')).toBe(RUNNER_WORKER_CSP);
    expect(worker.headers.get('content-type')).toMatch(/javascript/);
    const room = await fetch(`${base}/assets/RoomPage-abc123.js`);
    expect(room.status).toBe(200);
    expect(room.headers.get('content-security-policy')).toBeNull();
  });

  it('serves the two wasm binaries from node_modules, and nothing else there', async () => {
    for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      const res = await fetch(`${base}/tfjs-wasm/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/wasm');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
    }
    expect((await fetch(`${base}/tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm`)).status).toBe(404);
    expect((await fetch(`${base}/tfjs-wasm/..%2Fpackage.json`)).status).toBe(404);
  });
});
