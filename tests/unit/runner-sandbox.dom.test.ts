/**
 * The page's side of the runner sandbox (client/runner/sandbox.ts) against a scripted stand-in for
 * the host frame: jsdom has no Worker, so what the real host and Chromium do is
 * tests/e2e/runner-sandbox.test.ts. Here: nothing reaches the frame before both the host and the
 * worker script are there, then the script first and every message in order; each worker hears
 * only its own messages and nothing after terminate(); other windows are ignored; a script that
 * cannot be fetched fails every worker with a sentence.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerSandbox } from '../../client/runner/sandbox.js';
import type { FromWorker } from '../../client/runner/protocol.js';

let base = '';
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/assets/attn-runner-T1.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end('self.onmessage = () => {};');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

/** The frame's half of the protocol, played by the test: what the page sent it, and a way to answer. */
function hostOf(container: HTMLElement) {
  const frame = container.querySelector('iframe')!;
  const received: Array<Record<string, unknown>> = [];
  frame.contentWindow!.addEventListener('message', (event) => received.push(event.data as Record<string, unknown>));
  const answer = (data: unknown, source: Window | null = frame.contentWindow) => window.dispatchEvent(new MessageEvent('message', { data, source }));
  return { frame, received, answer };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('RunnerSandbox', () => {
  it('frames the host without allow-same-origin, and sends the script, then spawns and posts in order', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const sandbox = new RunnerSandbox({ hostUrl: 'about:blank', scriptUrl: `${base}/assets/attn-runner-T1.js`, container });
    const host = hostOf(container);
    expect(host.frame.getAttribute('sandbox')).toBe('allow-scripts');

    const worker = sandbox.createWorker();
    worker.postMessage({ type: 'init', backend: 'cpu', readback: {} });
    // A frame's messages arrive in order, so anything sent before host-ready would come first below.
    host.answer({ type: 'host-ready' });
    await until(() => host.received.length === 3);
    expect(host.received.map((m) => m.type)).toEqual(['source', 'spawn', 'post']);
    expect(host.received[0]!.source).toMatch(/^"use strict";self\.onmessage = \(\) => \{\};\n\/\/# sourceURL=http:\/\/127\.0\.0\.1:\d+\/assets\/attn-runner-T1\.js\n$/);
    expect(host.received[2]).toEqual({ type: 'post', worker: host.received[1]!.worker, message: { type: 'init', backend: 'cpu', readback: {} } });

    const heard: FromWorker[] = [];
    worker.onmessage = (event) => heard.push(event.data);
    const other = sandbox.createWorker();
    const otherHeard: FromWorker[] = [];
    other.onmessage = (event) => otherHeard.push(event.data);
    const id = host.received[1]!.worker;
    host.answer({ type: 'message', worker: id, data: { type: 'ready' } });
    host.answer({ type: 'message', worker: id, data: { type: 'backend', backend: 'cpu', adapter: 'forged' } }, window); // not from the frame
    expect(heard).toEqual([{ type: 'ready' }]);
    expect(otherHeard).toEqual([]);

    worker.terminate();
    host.answer({ type: 'message', worker: id, data: { type: 'ready' } });
    expect(heard).toEqual([{ type: 'ready' }]);
    worker.postMessage({ type: 'init', backend: 'cpu', readback: {} }); // dropped: that worker is gone
    other.postMessage({ type: 'init', backend: 'webgl', readback: {} });
    await until(() => host.received.length === 6);
    const otherId = host.received[3]!.worker;
    expect(host.received.slice(3)).toEqual([
      { type: 'spawn', worker: otherId },
      { type: 'terminate', worker: id },
      { type: 'post', worker: otherId, message: { type: 'init', backend: 'webgl', readback: {} } },
    ]);
    other.terminate();
  });

  it('fails every worker, present and future, with a sentence when the script cannot be fetched', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const sandbox = new RunnerSandbox({ hostUrl: 'about:blank', scriptUrl: `${base}/assets/attn-runner-missing.js`, container });
    const early = sandbox.createWorker();
    const errors: string[] = [];
    early.onerror = (event) => errors.push(event.message);
    await until(() => errors.length === 1);
    const late = sandbox.createWorker();
    late.onerror = (event) => errors.push(event.message);
    await until(() => errors.length === 2);
    expect(sandbox.failed).toBe(true);
    expect(container.querySelector('iframe')).toBeNull(); // the failed frame is gone; runtime.ts starts a new sandbox
    expect(errors).toEqual([
      `the runner script could not be loaded: GET ${base}/assets/attn-runner-missing.js answered 404`,
      `the runner script could not be loaded: GET ${base}/assets/attn-runner-missing.js answered 404`,
    ]);
  });
});
