/**
 * `npm start` runs the compiled server (`node dist/server/main.js`, built by `npm run build`), not
 * the TypeScript sources every other test runs. Paths resolved from the repo root (question bank,
 * challenge sources, Excalidraw's fonts, the built client) must hold from dist/ too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom } from '../support/server.js';
import { COMPILED_ENTRY, spawnServer, type ServerProcess } from '../support/process.js';

describe('the compiled server (npm start)', () => {
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    if (!fs.existsSync(COMPILED_ENTRY)) throw new Error(`${COMPILED_ENTRY} is missing: run \`npm run build\` first (npm test does).`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-compiled-'));
    server = await spawnServer({ ATTN_DATA_DIR: dataDir, ATTN_LOG_LEVEL: 'info' }, 20_000, { compiled: true });
  });
  afterAll(async () => {
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
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
    // The board's templates come from the server (the client bundles none), so from dist/ too.
    const diagrams = (await (await fetch(`${server.url}/api/rooms/${room.id}/diagrams`, { headers: auth })).json()) as { templates: { id: string; question: string | null }[] };
    expect(diagrams.templates.find((t) => t.id === 'speculative-decoding')?.question).toBe('q12');
    expect(server.output()).not.toContain(links.interviewer.token);
  });
});
