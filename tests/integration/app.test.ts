/**
 * server/app.ts (issue 12): what a stranger learns from /healthz, and the CSP every app page
 * carries (index routes and the 404 page). The policy itself is exercised in Chromium by every
 * e2e suite (tests/support/browser.ts fails a test on any violation).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createRoom, startTestServer, tempDir, waitSynced, type TestServer } from '../support/server.js';

const HEALTH_TOKEN = 'health-token-0123456789abcdef';
let server: TestServer;

beforeAll(async () => {
  // A stand-in for the built client: these tests read headers, not the app.
  const clientDir = tempDir('attn-client-');
  fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>attn</title>');
  server = await startTestServer({ healthToken: HEALTH_TOKEN, clientDir, livekit: null });
});
afterAll(() => server.close());

describe('/healthz', () => {
  it('tells a stranger only that the server is up, even while rooms are live', async () => {
    const room = await createRoom(server.url, 'Live');
    const c = connect(server.url, room.room.id, 'board', room.links.candidate.token);
    await waitSynced(c);
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: room.links.interviewer.token }] as Array<Record<string, string>>) {
        const res = await fetch(`${server.url}/healthz`, { headers });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ ok: true });
      }
      const operator = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
      expect(await operator.json()).toMatchObject({ ok: true, store: 'sqlite', docs: 1, connections: 1 });
    } finally {
      c.destroy();
    }
  });

  it('shows the counts to nobody when ATTN_HEALTH_TOKEN is unset', async () => {
    const plain = await startTestServer();
    try {
      expect(await (await fetch(`${plain.url}/healthz`, { headers: { authorization: 'Bearer ' } })).json()).toEqual({ ok: true });
    } finally {
      await plain.close();
    }
  });
});

describe('app pages', () => {
  it.each(['/', '/r/abcdefgh1234', '/r/abcdefgh1234/scorecard', '/replay/abcdefgh1234', '/no/such/page'])('%s carries the strict CSP', async (route) => {
    const res = await fetch(`${server.url}${route}`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(route === '/no/such/page' ? 404 : 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));
    expect(directives.get('script-src')).toBe("'self' 'wasm-unsafe-eval'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'self'");
    expect(directives.get('frame-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe(`'self' ws://127.0.0.1:${server.port}`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('lets the page reach LiveKit when it is configured, and nothing else', async () => {
    const withAv = await startTestServer({
      clientDir: server.config.clientDir,
      livekit: { url: 'wss://lk.example.com', apiUrl: 'https://lk.example.com', apiKey: 'k', apiSecret: 's', egress: false },
    });
    try {
      const csp = (await fetch(`${withAv.url}/`)).headers.get('content-security-policy')!;
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${withAv.port} wss://lk.example.com https://lk.example.com;`);
    } finally {
      await withAv.close();
    }
  });
});
