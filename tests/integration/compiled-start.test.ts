/**
 * `npm start` runs the compiled server (`node dist/server/main.js`, built by `npm run build`), not
 * the TypeScript sources every other test runs. Paths resolved from the repo root (question bank,
 * challenge sources, Excalidraw's fonts, the built client) must hold from dist/ too.
 *
 * It also records every module the process loads (a module.register load hook), to prove that a
 * server without LiveKit, Redis or Postgres configured never loads their clients, nor tfjs until
 * a challenge is asked for: ~10 MB of idle heap that V8's concurrent marking would otherwise scan
 * on every major GC (README, Benchmarks).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/server.js';
import { COMPILED_ENTRY, spawnServer, type ServerProcess } from '../support/process.js';

/** Loaded only when configured (or, for tfjs, when a challenge's vectors are first computed). */
const LAZY_PACKAGES = ['livekit-server-sdk', 'ioredis', 'pg', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'];

/** A --import module that appends the URL of every module loaded to $ATTN_TEST_MODULE_LOG. */
function moduleLogger(): string {
  const hooks = `import fs from 'node:fs';
export async function load(url, context, next) { fs.appendFileSync(process.env.ATTN_TEST_MODULE_LOG, url + '\\n'); return next(url, context); }`;
  const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
}

/** The npm packages among the loaded modules' URLs, by name (scoped names kept whole). */
function loadedPackages(log: string): Set<string> {
  const names = new Set<string>();
  for (const m of fs.readFileSync(log, 'utf8').matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)) names.add(m[1]!);
  return names;
}

describe('the compiled server (npm start)', () => {
  let server: ServerProcess;
  let dataDir: string;
  let moduleLog: string;

  beforeAll(async () => {
    if (!fs.existsSync(COMPILED_ENTRY)) throw new Error(`${COMPILED_ENTRY} is missing: run \`npm run build\` first (npm test does).`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-compiled-'));
    moduleLog = path.join(dataDir, 'modules.txt');
    server = await spawnServer({ ATTN_DATA_DIR: dataDir, ATTN_LOG_LEVEL: 'info', ATTN_TEST_MODULE_LOG: moduleLog }, 20_000, { compiled: true, nodeArgs: ['--import', moduleLogger()] });
  });
  afterAll(async () => {
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads no LiveKit, Redis, Postgres or tfjs client at start-up when none is configured', () => {
    const loaded = loadedPackages(moduleLog);
    // The hook sees the packages a started server does use (a log that saw nothing would pass).
    for (const used of ['yjs', 'ws', 'better-sqlite3', 'express']) expect(loaded).toContain(used);
    for (const lazy of LAZY_PACKAGES) expect(loaded).not.toContain(lazy);
  });

  it('starts with plain node, serves the client, the fonts, the bank and the challenges', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const font = await fetch(`${server.url}/excalidraw-assets/fonts/Virgil/Virgil-Regular.woff2`);
    expect(font.status).toBe(200);
    expect((await font.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const { room, links } = await createRoom(server.url, 'compiled');
    const auth = { Authorization: `Bearer ${links.interviewer.token}` };
    const questions = (await (await fetch(`${server.url}/api/rooms/${room.id}/questions`, { headers: auth })).json()) as { questions: { id: string; listing?: { defects: unknown[] } }[] };
    // Q1-Q12 plus the five spot-the-bug folders, listings included.
    expect(questions.questions.length).toBe(17);
    expect(questions.questions.find((q) => q.id === 'q16')?.listing?.defects.length).toBeGreaterThan(0);
    const challenge = await fetch(`${server.url}/api/rooms/${room.id}/challenges/dpo-loss/reference`, { headers: auth });
    expect(challenge.status).toBe(200);
    expect(((await challenge.json()) as { source: string }).source).toContain('export');
    // A challenge's vectors load tfjs on first use, and are computed with it.
    const forClient = await fetch(`${server.url}/api/rooms/${room.id}/challenges/dpo-loss`, { headers: auth });
    expect(forClient.status).toBe(200);
    expect(((await forClient.json()) as { cases: unknown[] }).cases.length).toBeGreaterThan(0);
    expect(loadedPackages(moduleLog)).toContain('@tensorflow/tfjs-core');
    // The board's templates come from the server (the client bundles none), so from dist/ too.
    const diagrams = (await (await fetch(`${server.url}/api/rooms/${room.id}/diagrams`, { headers: auth })).json()) as { templates: { id: string; question: string | null }[] };
    expect(diagrams.templates.find((t) => t.id === 'speculative-decoding')?.question).toBe('q12');
    expect(server.output()).not.toContain(links.interviewer.token);
  });
});
