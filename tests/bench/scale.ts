/**
 * Scale-out bench: what does crossing instances cost? The same load — R rooms × C clients, W
 * writers per room each making U edits/s — runs three ways, each on fresh server processes:
 *
 *   single (SQLite)     one instance, the embedded default
 *   single (Postgres)   one instance on Postgres + Redis (the bus has no peer to talk to)
 *   2 instances         two instances on one Postgres + Redis, each room's clients alternating
 *                       between them, so part of every edit's receivers sit on the other instance
 *
 * Every receiver records how long each edit took to reach it (the clients live in this process,
 * so sender and receiver share one clock). The cluster's deliveries are split into same-instance
 * and cross-instance; the headline is cross-instance p50/p99 ÷ single (Postgres) p50/p99, measured
 * side by side in one run. A report, never a pass/fail test.
 */
import { performance } from 'node:perf_hooks';
import crypto from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { CreateRoomResponse } from '../../shared/api.js';
import { urlWithSchema } from '../../server/store/postgres.js';
import { ATTN_NODE_FLAGS } from './sync.js';
import { synced } from './clients.js';
import { ServerProcess } from './serverProcess.js';
import { fixed, markdownTable, Samples, seededRandom, summarize, textTable, type Distribution } from './stats.js';

export interface ScaleBenchOptions {
  rooms?: number;
  clients?: number;
  writers?: number;
  editsPerSec?: number;
  seconds?: number;
  /** instances in the cluster scenario */
  instances?: number;
  databaseUrl?: string;
  redisUrl?: string;
  log?: (line: string) => void;
}

type Scenario = 'single-sqlite' | 'single-postgres' | 'cluster';

export interface ScaleScenarioResult {
  scenario: Scenario;
  label: string;
  instances: number;
  sent: number;
  expected: number;
  delivered: number;
  latencyMs: Distribution;
  /** cluster only: deliveries to a client on the writer's own instance / on another one */
  sameInstanceMs?: Distribution;
  crossInstanceMs?: Distribution;
}

export interface ScaleBenchResult {
  suite: 'scale';
  startedAt: string;
  load: { rooms: number; clients: number; writers: number; editsPerSec: number; seconds: number };
  scenarios: ScaleScenarioResult[];
  /** cluster cross-instance ÷ single instance (Postgres), for p50 and p99 */
  ratio?: { p50: number; p99: number };
}

const DEFAULTS = { rooms: 20, clients: 4, writers: 2, editsPerSec: 5, seconds: 10, instances: 2 };
const WARMUP_MS = 1_500;
const DRAIN_MS = 3_000;
const READY_TIMEOUT_MS = 30_000;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const now = () => performance.timeOrigin + performance.now();

interface BenchClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  instance: number;
}

export async function runScaleBench(options: ScaleBenchOptions = {}): Promise<ScaleBenchResult> {
  const load = {
    rooms: options.rooms ?? DEFAULTS.rooms,
    clients: options.clients ?? DEFAULTS.clients,
    writers: options.writers ?? DEFAULTS.writers,
    editsPerSec: options.editsPerSec ?? DEFAULTS.editsPerSec,
    seconds: options.seconds ?? DEFAULTS.seconds,
  };
  const instances = options.instances ?? DEFAULTS.instances;
  const databaseUrl = options.databaseUrl ?? process.env.ATTN_TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = options.redisUrl ?? process.env.ATTN_TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
  const log = options.log ?? ((line: string) => console.log(line));
  await requireServices(databaseUrl, redisUrl);

  const scenarios: ScaleScenarioResult[] = [];
  const plans: Array<{ scenario: Scenario; label: string; count: number; env: () => Record<string, string> }> = [
    { scenario: 'single-sqlite', label: 'single instance (SQLite)', count: 1, env: () => ({ ATTN_DATABASE_URL: '', ATTN_REDIS_URL: '' }) },
    { scenario: 'single-postgres', label: 'single instance (Postgres + Redis)', count: 1, env: schemaEnv(databaseUrl, redisUrl) },
    { scenario: 'cluster', label: `${instances} instances (Postgres + Redis)`, count: instances, env: schemaEnv(databaseUrl, redisUrl) },
  ];
  for (const plan of plans) {
    log(`scale: ${plan.label}: ${load.rooms} rooms × ${load.clients} clients, ${load.writers} writers @ ${load.editsPerSec}/s for ${load.seconds} s`);
    const env = plan.env();
    const servers: ServerProcess[] = [];
    try {
      // The first creates the schema; the others join it.
      for (let i = 0; i < plan.count; i++) servers.push(await startAttn(env, `attn-${plan.scenario}-${i}`));
      scenarios.push({ scenario: plan.scenario, label: plan.label, instances: plan.count, ...(await measure(servers, load)) });
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      if (env.ATTN_DATABASE_URL) await dropSchema(databaseUrl, env.ATTN_DATABASE_URL);
    }
  }
  const single = scenarios.find((s) => s.scenario === 'single-postgres')?.latencyMs;
  const cross = scenarios.find((s) => s.scenario === 'cluster')?.crossInstanceMs;
  const ratio = single && cross && single.count > 0 && cross.count > 0 ? { p50: cross.p50 / single.p50, p99: cross.p99 / single.p99 } : undefined;
  return { suite: 'scale', startedAt: new Date().toISOString(), load, scenarios, ...(ratio ? { ratio } : {}) };
}

function schemaEnv(databaseUrl: string, redisUrl: string): () => Record<string, string> {
  return () => ({
    ATTN_DATABASE_URL: urlWithSchema(databaseUrl, `attn_bench_${crypto.randomBytes(4).toString('hex')}`),
    ATTN_REDIS_URL: redisUrl,
  });
}

async function startAttn(env: Record<string, string>, name: string): Promise<ServerProcess> {
  return ServerProcess.start({
    name,
    script: 'server/main.ts',
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ATTN_LOG_LEVEL: 'warn', ATTN_DATA_DIR: `/tmp/${name}-${process.pid}`, ATTN_ROOM_CREATE_PER_MINUTE: '0', ATTN_MAX_SOCKETS_PER_IP: '0', ATTN_MAX_SOCKETS_PER_ROOM: '0', ...env },
    readyTimeoutMs: READY_TIMEOUT_MS,
    nodeArgs: ATTN_NODE_FLAGS,
  });
}

async function measure(
  servers: ServerProcess[],
  load: ScaleBenchResult['load'],
): Promise<Omit<ScaleScenarioResult, 'scenario' | 'label' | 'instances'>> {
  const all = new Samples();
  const same = new Samples();
  const cross = new Samples();
  let measuring = false;
  let sent = 0;
  let delivered = 0;
  const rooms: BenchClient[][] = [];
  // Every WebsocketProvider listens for the process's exit (to say goodbye to its awareness).
  process.setMaxListeners(Math.max(process.getMaxListeners(), load.rooms * load.clients + 20));
  for (let r = 0; r < load.rooms; r++) {
    const res = await fetch(`${servers[0]!.httpUrl}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`POST /api/rooms answered ${res.status}`);
    const room = CreateRoomResponse.parse(await res.json());
    const clients: BenchClient[] = [];
    for (let i = 0; i < load.clients; i++) {
      const instance = i % servers.length;
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`${servers[instance]!.wsUrl}/sync/${room.room.id}`, 'board', doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token: i === 0 ? room.links.interviewer.token : room.links.candidate.token },
        disableBc: true,
      });
      const client: BenchClient = { doc, provider, instance };
      doc.getMap<number>('bench').observe((event, tr) => {
        if (tr.local) return;
        const arrived = now();
        for (const key of event.keysChanged) {
          const sentAt = event.target.get(key);
          if (typeof sentAt !== 'number' || !key.startsWith('m:')) continue;
          const from = Number(key.split(':')[2]);
          const ms = arrived - sentAt;
          delivered++;
          all.push(ms);
          if (servers.length > 1) (from === instance ? same : cross).push(ms);
        }
      });
      clients.push(client);
    }
    rooms.push(clients);
  }
  await Promise.all(rooms.flat().map((c) => synced(c.provider)));

  // Writers tick on a shared schedule with seeded jitter, so every scenario sees the same load.
  const rng = seededRandom(0x5ca1e);
  const intervalMs = 1000 / load.editsPerSec;
  const timers: NodeJS.Timeout[] = [];
  let n = 0;
  const startWriting = () => {
    for (const clients of rooms) {
      for (let w = 0; w < load.writers; w++) {
        const c = clients[w]!;
        const tick = () => {
          // key: m:<writer>:<instance>:<n> (the measured flag decides whether it counts)
          const key = `${measuring ? 'm' : 'w'}:${w}:${c.instance}:${n++}`;
          if (measuring) sent++;
          c.doc.getMap<number>('bench').set(key, now());
        };
        const start = setTimeout(() => timers.push(setInterval(tick, intervalMs)), rng() * intervalMs);
        timers.push(start);
      }
    }
  };
  startWriting();
  await sleep(WARMUP_MS);
  measuring = true;
  await sleep(load.seconds * 1000);
  measuring = false;
  for (const t of timers) clearInterval(t);
  const expected = sent * (load.clients - 1);
  const drainUntil = Date.now() + DRAIN_MS;
  while (delivered < expected && Date.now() < drainUntil) await sleep(50);
  for (const c of rooms.flat()) {
    c.provider.destroy();
    c.doc.destroy();
  }
  return {
    sent,
    expected,
    delivered,
    latencyMs: summarize(all),
    ...(servers.length > 1 ? { sameInstanceMs: summarize(same), crossInstanceMs: summarize(cross) } : {}),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function requireServices(databaseUrl: string, redisUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`the scale bench needs Postgres at ${new URL(databaseUrl).host} (${(err as Error).message}); set ATTN_TEST_DATABASE_URL`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    throw new Error(`the scale bench needs Redis at ${redisUrl} (${(err as Error).message}); set ATTN_TEST_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

async function dropSchema(databaseUrl: string, schemaUrl: string): Promise<void> {
  const options = new URL(schemaUrl).searchParams.get('options') ?? '';
  const schema = /search_path=([a-z0-9_]+)/.exec(options)?.[1];
  if (!schema) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch {
    // a leftover bench schema is harmless (attn_bench_*)
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---- reporting ---------------------------------------------------------------------

const HEADERS = ['scenario', 'deliveries', 'lost', 'p50 ms', 'p99 ms', 'max ms'];

function rows(result: ScaleBenchResult): string[][] {
  const out: string[][] = [];
  for (const s of result.scenarios) {
    const lost = String(Math.max(0, s.expected - s.delivered));
    out.push([s.label, String(s.delivered), lost, fixed(s.latencyMs.p50, 2), fixed(s.latencyMs.p99, 2), fixed(s.latencyMs.max, 1)]);
    if (s.sameInstanceMs && s.crossInstanceMs) {
      for (const [name, d] of [['same instance', s.sameInstanceMs], ['cross instance', s.crossInstanceMs]] as const) {
        out.push([`  ${name}`, String(d.count), '', fixed(d.p50, 2), fixed(d.p99, 2), fixed(d.max, 1)]);
      }
    }
  }
  return out;
}

function ratioLine(result: ScaleBenchResult): string {
  if (!result.ratio) return 'ratio: n/a (a scenario delivered nothing)';
  return `cross-instance ÷ single instance (Postgres): p50 ${fixed(result.ratio.p50, 2)}×, p99 ${fixed(result.ratio.p99, 2)}×`;
}

function loadLine(result: ScaleBenchResult): string {
  const l = result.load;
  return `${l.rooms} rooms × ${l.clients} clients, ${l.writers} writers/room @ ${l.editsPerSec} edits/s, ${l.seconds} s measured`;
}

export function formatScaleText(result: ScaleBenchResult): string {
  return [loadLine(result), textTable(HEADERS, rows(result), ['left', 'right', 'right', 'right', 'right', 'right']), ratioLine(result)].join('\n');
}

export function formatScaleMarkdown(result: ScaleBenchResult): string {
  return [
    '### scale',
    '',
    loadLine(result),
    '',
    markdownTable(HEADERS, rows(result), ['left', 'right', 'right', 'right', 'right', 'right']),
    '',
    ratioLine(result),
  ].join('\n');
}
