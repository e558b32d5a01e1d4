/**
 * kill -9 under load (issue 15): every update any peer received must be in the store after a
 * restart. "Persist before relay" promises exactly that, since a peer can only receive what the
 * server relayed; this bench counts it instead of trusting it.
 *
 * The sync bench's load (R rooms × C clients, W writers at U edits/s each, stock y-websocket
 * clients in worker threads) runs against attn on its embedded SQLite store; each client keeps
 * the key of every edit it receives from a peer. After a few seconds of writing the server gets
 * SIGKILL, the clients report what they received, and attn is started again on the same data
 * directory. A fresh client per room then syncs from the restarted server and every received key
 * is looked up in what it serves. Edits a writer made but nobody received may or may not be
 * stored (they were in flight at the kill); they are counted, not judged.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { boardElements } from '../../shared/doc.js';
import { attnTarget, describeConfig, mapConcurrent, nextFromAll, startAttnServer, startShardWorker, stopShards, type SyncConfig } from './sync.js';
import type { ClientEndpoint, FromShard } from './syncWorker.js';

export interface CrashBenchOptions {
  config?: SyncConfig;
  /** writing before the kill, after the warm-up */
  killAfterMs?: number;
  workers?: number;
  seed?: number;
}

export interface CrashBenchResult {
  config: SyncConfig;
  killAfterMs: number;
  /** edits the writers made before the kill (warm-up included) */
  made: number;
  /** distinct edits at least one peer received */
  received: number;
  /** of those, found in what the restarted server serves */
  stored: number;
  /** received by a peer but missing after restart: the goal is 0 */
  missing: number;
  /** made but received by nobody: in flight at the kill; stored or not, both are fine */
  inFlight: number;
  inFlightStored: number;
  /** SIGKILL → restarted server listening */
  restartMs: number;
  /** rooms read back after the restart */
  roomsRead: number;
  error?: string;
}

export const DEFAULT_CRASH_CONFIG: SyncConfig = { rooms: 1000, clients: 2, writers: 2, editsPerSec: 2 };
const DEFAULT_KILL_AFTER_MS = 5_000;
const WARM_UP_MS = 1_000;
/** Frames the kernel had already delivered to a client's socket still reach its handler. */
const SETTLE_AFTER_KILL_MS = 500;
const CONNECT_BATCH = 200;
const CONNECT_TIMEOUT_MS = 60_000;
const READ_BACK_CONCURRENCY = 50;
const READ_BACK_TIMEOUT_MS = 30_000;

export async function runCrashBench(options: CrashBenchOptions = {}, log: (line: string) => void = () => undefined): Promise<CrashBenchResult> {
  const config = options.config ?? DEFAULT_CRASH_CONFIG;
  // Each read-back provider adds a process 'exit' listener; READ_BACK_CONCURRENCY of them is expected.
  process.setMaxListeners(0);
  const killAfterMs = options.killAfterMs ?? DEFAULT_KILL_AFTER_MS;
  const result: CrashBenchResult = { config, killAfterMs, made: 0, received: 0, stored: 0, missing: 0, inFlight: 0, inFlightStored: 0, restartMs: 0, roomsRead: 0 };
  const started = await startAttnServer([]);
  const { dataDir } = started;
  let { server } = started;
  let workers: ReturnType<typeof startShardWorker>[] = [];
  try {
    const rooms = await attnTarget.prepareRooms(server, config.rooms, 'crash');
    const shards = Math.min(options.workers ?? 2, config.rooms);
    const per = Math.ceil(config.rooms / shards);
    for (let shard = 0, first = 0; first < config.rooms; shard++, first += per) {
      workers.push(
        startShardWorker({
          kind: 'sync-shard',
          shard,
          config,
          rooms: rooms.slice(first, first + per).map((room) => Array.from({ length: config.clients }, (_, i) => room.client(i))),
          roomOffset: first,
          connectBatch: Math.ceil(CONNECT_BATCH / shards),
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          seed: options.seed ?? 1,
          recordReceived: true,
        }),
      );
    }
    await nextFromAll(workers, 'ready', CONNECT_TIMEOUT_MS * Math.ceil((config.rooms * config.clients) / CONNECT_BATCH));
    log(`  crash: ${config.rooms * config.clients} clients synced; writing ${describeConfig(config)}, SIGKILL after ${killAfterMs / 1000} s`);
    const now = Date.now();
    for (const worker of workers) {
      worker.postMessage({
        type: 'start',
        startAtEpochMs: now + 200,
        measureFromEpochMs: now + 200 + WARM_UP_MS,
        // Longer than we let it run: the kill ends the writing, not the clock.
        seconds: (killAfterMs + 60_000) / 1000,
        drainMs: 0,
        lateGraceMs: 0,
      });
    }
    await sleep(200 + WARM_UP_MS + killAfterMs);
    // The signal and the writers' halt leave together: updates are in flight at the kill, and
    // "made" counts only a few edits written after the server was gone.
    const killedAt = performance.now();
    const killed = server.kill('SIGKILL');
    for (const worker of workers) worker.postMessage({ type: 'halt' });
    await killed;
    await sleep(SETTLE_AFTER_KILL_MS);
    for (const worker of workers) worker.postMessage({ type: 'report' });
    const reports = await nextFromAll(workers, 'received', 30_000);
    await stopShards(workers);
    workers = [];

    const receivedByRoom = new Map<number, string[]>();
    for (const report of reports as Array<Extract<FromShard, { type: 'received' }>>) {
      result.made += report.sent;
      for (const [room, keys] of report.rooms) receivedByRoom.set(room, keys);
    }

    const oldWsUrl = server.wsUrl;
    ({ server } = await startAttnServer([], { dataDir }));
    result.restartMs = performance.now() - killedAt;
    log(`  crash: restarted on the same store in ${(result.restartMs / 1000).toFixed(1)} s; reading ${config.rooms} rooms back`);
    // Same rooms and tokens; only the port is new.
    const newWsUrl = server.wsUrl;
    const served = await mapConcurrent(config.rooms, READ_BACK_CONCURRENCY, (r) => {
      const endpoint = rooms[r]!.client(0);
      return readKeys({ ...endpoint, serverUrl: newWsUrl + endpoint.serverUrl.slice(oldWsUrl.length) });
    });
    result.roomsRead = served.length;
    const storedUnreceived = new Set<string>();
    for (let r = 0; r < config.rooms; r++) {
      const stored = served[r]!;
      const received = new Set(receivedByRoom.get(r) ?? []);
      for (const key of received) {
        result.received++;
        if (stored.has(key)) result.stored++;
        else result.missing++;
      }
      for (const key of stored) if (!received.has(key)) storedUnreceived.add(key);
    }
    result.inFlight = result.made - result.received;
    result.inFlightStored = storedUnreceived.size;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (workers.length > 0) await stopShards(workers);
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

/** What the server serves for one room's board: the keys of its elements, once synced. */
async function readKeys(endpoint: ClientEndpoint): Promise<Set<string>> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(endpoint.serverUrl, endpoint.roomname, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: endpoint.params,
    disableBc: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync from ${endpoint.serverUrl} within ${READ_BACK_TIMEOUT_MS} ms`)), READ_BACK_TIMEOUT_MS);
      provider.on('sync', (synced: boolean) => {
        if (!synced) return;
        clearTimeout(timer);
        resolve();
      });
    });
    return new Set(boardElements(doc).keys());
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function formatCrashText(r: CrashBenchResult): string {
  const lines = [
    `kill -9 under ${describeConfig(r.config)}, after ${r.killAfterMs / 1000} s of writing`,
    `  edits made ${r.made}; received by a peer ${r.received}; of those in the store after restart ${r.stored}; missing ${r.missing} (goal 0)`,
    `  in flight at the kill (made, received by nobody): ${r.inFlight}, of which stored ${r.inFlightStored}`,
    `  restart: ${(r.restartMs / 1000).toFixed(1)} s from SIGKILL to listening; ${r.roomsRead} rooms read back`,
  ];
  if (r.error) lines.push(`  FAILED: ${r.error}`);
  else lines.push(r.missing === 0 ? '  goal met: every update a peer received survived the kill' : `  GOAL MISSED: ${r.missing} received updates lost`);
  return lines.join('\n');
}

export function formatCrashMarkdown(r: CrashBenchResult): string {
  return [
    '| load | made | received by a peer | in the store after restart | missing | in flight (stored) | restart |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| ${describeConfig(r.config)}, SIGKILL after ${r.killAfterMs / 1000} s | ${r.made} | ${r.received} | ${r.stored} | ${r.missing} | ${r.inFlight} (${r.inFlightStored}) | ${(r.restartMs / 1000).toFixed(1)} s |`,
    r.error ? `\nFailed: ${r.error}` : '',
  ].join('\n');
}
