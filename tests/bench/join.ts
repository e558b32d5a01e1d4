/**
 * Join bench: how long a stock y-websocket client takes to sync a board of 50,000 updates (a long
 * interview's worth of typing), from opening its socket to its first `synced`:
 *   - cold, log only: the server loads the doc from 50,000 log rows (no snapshot yet);
 *   - warm: a second client while the doc is in memory (the server only encodes it);
 *   - cold, snapshot: after a restart, from the latest snapshot (the one the first load folded
 *     the log into; the server also writes one on shutdown when the doc changed).
 * The server is attn as `npm start` runs it (the compiled server in a child process, SQLite, or
 * Postgres with `databaseUrl`: a fresh schema per run, dropped after it); the log is written into
 * its store directly between runs, so building it is not part of what is
 * measured. Each join also reports the server's longest event-loop delay while it ran (the sync
 * bench's loop probe): what every other room on the instance waited, at worst, while this one
 * opened.
 *
 * A report, never a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CreateRoomResponse } from '../../shared/api.js';
import { boardCode } from '../../shared/doc.js';
import { syncPath } from '../../shared/protocol.js';
import { PostgresStore, urlWithSchema } from '../../server/store/postgres.js';
import type { Store } from '../../server/store/port.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { synced } from './clients.js';
import { ServerProcess } from './serverProcess.js';
import { fixed, markdownTable, median, textTable } from './stats.js';
import { LOOP_PROBE, readServerLoop, startAttnServer } from './sync.js';

export interface JoinBenchOptions {
  updates?: number;
  /** joins measured per case (the median is reported) */
  repeats?: number;
  /** Postgres instead of SQLite: each run gets a schema of its own in this database */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface JoinCase {
  name: string;
  /** ms from opening the socket to synced, per repeat */
  ms: number[];
  median: number;
  /** the server's longest event-loop delay during each join, ms (undefined where the probe did not answer) */
  loopMaxMs: (number | undefined)[];
}

export interface JoinBenchResult {
  suite: 'join';
  store: 'sqlite' | 'postgres';
  updates: number;
  docBytes: number;
  cases: JoinCase[];
}

const DEFAULT_UPDATES = 50_000;
/** Appends in flight at once while building the log (the store's writer commits them as groups). */
const BUILD_BATCH = 1_000;

export async function runJoinBench(options: JoinBenchOptions = {}): Promise<JoinBenchResult> {
  const updates = options.updates ?? DEFAULT_UPDATES;
  const repeats = options.repeats ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  const cases: JoinCase[] = [];
  const cold: Join[] = [];
  const warm: Join[] = [];
  const fromSnapshot: Join[] = [];
  let docBytes = 0;
  for (let r = 0; r < repeats; r++) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'attn-join-'));
    const schema = `attn_join_${process.pid}_${r}`;
    const databaseUrl = options.databaseUrl && urlWithSchema(options.databaseUrl, schema);
    try {
      let js = await startServer(dataDir, databaseUrl);
      const created = CreateRoomResponse.parse(
        await (await fetch(`${js.server.httpUrl}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json(),
      );
      await js.server.stop();
      docBytes = await writeLog(await openStore(dataDir, databaseUrl), created.room.id, updates);
      log(`  join: ${updates} updates stored (${fixed(docBytes / 1024, 0)} kB of doc); run ${r + 1}/${repeats}`);
      js = await startServer(dataDir, databaseUrl);
      const token = created.links.interviewer.token;
      cold.push(await timeJoin(js, created.room.id, token));
      warm.push(await timeJoin(js, created.room.id, token));
      // A clean stop writes the final snapshot of every loaded doc.
      await js.server.stop();
      js = await startServer(dataDir, databaseUrl);
      fromSnapshot.push(await timeJoin(js, created.room.id, token));
      await js.server.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      if (options.databaseUrl) await dropSchema(options.databaseUrl, schema);
    }
  }
  cases.push(summarizeCase('cold: load 50k log rows', cold), summarizeCase('warm: doc in memory', warm), summarizeCase('cold: snapshot', fromSnapshot));
  return { suite: 'join', store: options.databaseUrl ? 'postgres' : 'sqlite', updates, docBytes, cases };
}

interface JoinServer {
  server: ServerProcess;
  loopFile: string;
  /** the loop probe's last report's generation */
  generation: number;
}

async function startServer(dataDir: string, databaseUrl: string | undefined): Promise<JoinServer> {
  const loopFile = path.join(dataDir, 'loop.json');
  // The probe counts its reports from 1 in each process: a report a stopped server left would pass for this one's.
  rmSync(loopFile, { force: true });
  const { server } = await startAttnServer(['--import', pathToFileURL(LOOP_PROBE).href], { dataDir, loopFile, databaseUrl });
  return { server, loopFile, generation: 0 };
}

interface Join {
  ms: number;
  loopMaxMs: number | undefined;
}

function openStore(dataDir: string, databaseUrl: string | undefined): Promise<Store> | Store {
  return databaseUrl ? PostgresStore.connect(databaseUrl) : SqliteStore.open(dataDir);
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Types `updates` characters into the pad, one update each, straight into the store's log. */
async function writeLog(store: Store, roomId: string, updates: number): Promise<number> {
  const doc = new Y.Doc();
  const code = boardCode(doc);
  const pending: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => pending.push(u));
  const text = 'def attention(q, k, v):\n    return softmax(q @ k.T / sqrt(d)) @ v\n';
  for (let i = 0; i < updates; i++) {
    // Mostly appending, sometimes deleting a character: what typing leaves in a log.
    if (i % 10 === 9 && code.length > 0) code.delete(code.length - 1, 1);
    else code.insert(code.length, text[i % text.length]!);
    if (pending.length >= BUILD_BATCH || i === updates - 1) {
      const batch = pending.splice(0);
      await Promise.all(batch.map((bytes, k) => store.appendUpdate({ roomId, doc: 'board', ts: Date.now() + k, authorRole: 'candidate', authorName: 'bench', bytes })));
    }
  }
  await store.close();
  return Y.encodeStateAsUpdate(doc).byteLength;
}

async function timeJoin(js: JoinServer, roomId: string, token: string): Promise<Join> {
  const full = syncPath(roomId, 'board');
  const cut = full.lastIndexOf('/');
  const doc = new Y.Doc();
  // The probe's report starts over at each reading: this one opens the join's window.
  js.generation = (await readServerLoop(js.server, js.loopFile, js.generation))?.generation ?? js.generation;
  const start = performance.now();
  const provider = new WebsocketProvider(js.server.wsUrl + full.slice(0, cut), full.slice(cut + 1), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  });
  try {
    await synced(provider);
    const ms = performance.now() - start;
    const loop = await readServerLoop(js.server, js.loopFile, js.generation);
    if (loop) js.generation = loop.generation;
    return { ms, loopMaxMs: loop?.maxMs };
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

function summarizeCase(name: string, joins: Join[]): JoinCase {
  const ms = joins.map((j) => j.ms);
  return { name, ms, median: median(ms), loopMaxMs: joins.map((j) => j.loopMaxMs) };
}

const HEADERS = ['join of a 50k-update board', 'median ms', 'runs ms', 'server loop max ms, per run'];

function rows(result: JoinBenchResult): string[][] {
  return result.cases.map((c) => [
    c.name,
    fixed(c.median, 0),
    c.ms.map((m) => fixed(m, 0)).join(', '),
    c.loopMaxMs.map((m) => (m === undefined ? '—' : fixed(m, 0))).join(', '),
  ]);
}

export function formatJoinText(result: JoinBenchResult): string {
  return `${textTable(HEADERS, rows(result), ['left', 'right', 'right', 'right'])}\n\n${footer(result)}`;
}

export function formatJoinMarkdown(result: JoinBenchResult): string {
  return `${markdownTable(HEADERS, rows(result), ['left', 'right', 'right', 'right'])}\n\n${footer(result)}`;
}

const footer = (result: JoinBenchResult) => `${result.updates} updates, ${fixed(result.docBytes / 1024, 0)} kB encoded doc, ${result.store} store`;
