/**
 * The runner sandbox's host page (server/http/runnerHost.ts): its CSP is the wall around candidate
 * code, so pin it down: its one inline script runs by hash and nothing else loads, workers only
 * from data:, no network but blob:, framed by attn only, and sandboxed even when opened directly.
 * Whether Chromium really keeps snippets out of attn's origin is tests/e2e/runner-sandbox.test.ts.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNER_HOST_CSP, RUNNER_HOST_SCRIPT, runnerHostRouter } from '../../server/http/runnerHost.js';
import { prepareScript } from '../../client/runner/sandbox.js';
import { RUNNER_HOST_PATH } from '../../shared/protocol.js';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('GET /runner-host', () => {
  let base = '';
  let close: () => void = () => undefined;

  beforeAll(async () => {
    const app = express();
    app.use(runnerHostRouter());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('serves the host page with its own CSP, which allows exactly its inline script', async () => {
    const res = await fetch(base + RUNNER_HOST_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(RUNNER_HOST_CSP);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toEqual([RUNNER_HOST_SCRIPT]);
    const hash = crypto.createHash('sha256').update(scripts[0]!).digest('base64');
    expect(directives(RUNNER_HOST_CSP).get('script-src')).toEqual([`'sha256-${hash}'`, "'unsafe-eval'", "'wasm-unsafe-eval'"]);
  });

  it('gives snippet workers no network, no origin of ours, and no framing but by attn', () => {
    const csp = directives(RUNNER_HOST_CSP);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(['blob:']);
    expect(csp.get('worker-src')).toEqual(['data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    // no allow-same-origin: opaque even if the page is opened outside its iframe
    expect(csp.get('sandbox')).toEqual(['allow-scripts']);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    // nothing names a network source: not attn's own origin, no scheme, no wildcard
    const sources = [...csp].filter(([name]) => name !== 'frame-ancestors' && name !== 'sandbox').flatMap(([, values]) => values);
    expect(sources.filter((s) => s === "'self'" || /^(https?|wss?):|\*/.test(s))).toEqual([]);
  });

  it('listens to its parent window only', () => {
    expect(RUNNER_HOST_SCRIPT).toContain('if (event.source !== window.parent) return;');
    expect(RUNNER_HOST_SCRIPT).not.toMatch(/fetch\(|importScripts|XMLHttpRequest|allow-same-origin/);
  });
});

describe('prepareScript', () => {
  const built = 'var e=1;self.addEventListener(`message`,()=>{});\n//# sourceMappingURL=attn-runner-AbC1.js.map';

  it('runs the bundle strict, names it by its real URL and points its source map there', () => {
    const out = prepareScript(built, '/assets/attn-runner-AbC1.js', 'http://attn.test/r/room1');
    expect(out.startsWith('"use strict";var e=1;')).toBe(true);
    expect(out).toContain('\n//# sourceMappingURL=http://attn.test/assets/attn-runner-AbC1.js.map\n');
    expect(out.endsWith('\n//# sourceURL=http://attn.test/assets/attn-runner-AbC1.js\n')).toBe(true);
  });

  it('leaves a bundle without a source map comment as it is', () => {
    const out = prepareScript('var e=1;', '/assets/attn-runner-AbC1.js', 'http://attn.test/');
    expect(out).toBe('"use strict";var e=1;\n//# sourceURL=http://attn.test/assets/attn-runner-AbC1.js\n');
  });
});
