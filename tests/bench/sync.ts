/**
 * Sync bench: R rooms × C clients, W writers per room each making U edits/s for S seconds,
 * through the stock y-websocket client. Every other client in the room records how long each
 * edit took to reach it. The same load runs against attn's server (auth + persistence on) and
 * against the bare reference relay (@y/websocket-server, no auth, no persistence), each as a
 * fresh child process, so their latency, loss, CPU and RSS can be compared side by side.
 *
 * This is a report, never a pass/fail test: timings on a shared 2-core machine are too noisy
 * to gate a build on, but the ratio between two servers under the same load is informative.
 */
import v8 from 'node:v8';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CreateRoomResponse } from '../../shared/api.js';
import { syncPath, syncProtocols } from '../../shared/protocol.js';
import { liftRtThrottling, openFileLimit, readHostCpu, realtimeUnavailable, REPO_ROOT, ServerProcess, type ProcCounters, type RtThrottling } from './serverProcess.js';
import { bootstrapPooledRatio, fixed, LatencyHistogram, markdownTable, median, Samples, summarize, tailReport, textTable, type Align, type Distribution, type TailReport } from './stats.js';
import { epochNow, FRAME_KINDS, type ClientEndpoint, type FromShard, type ShardInit, type ToShard } from './syncWorker.js';

// ---- configuration -----------------------------------------------------------

export interface SyncConfig {
  rooms: number;
  clients: number;
  /** writers per room (the first W clients); the rest only receive */
  writers: number;
  editsPerSec: number;
}

/**
 * Issue 15's loads: 200 rooms of 3 with one writer each (1,000 edits/s), 1000 rooms of 2 both
 * writing (4,000/s), and 1000 of 3 all writing (15,000/s); plus a single pair. `200x3@5` (all
 * three writing, 3,000 edits/s) is the heavier load earlier README tables were measured on.
 */
export const DEFAULT_SYNC_CONFIGS: readonly SyncConfig[] = [
  { rooms: 1, clients: 2, writers: 2, editsPerSec: 10 },
  { rooms: 200, clients: 3, writers: 1, editsPerSec: 5 },
  { rooms: 1000, clients: 2, writers: 2, editsPerSec: 2 },
  { rooms: 1000, clients: 3, writers: 3, editsPerSec: 5 },
];

export const TARGET_NAMES = ['attn', 'reference'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface SyncBenchOptions {
  configs?: readonly SyncConfig[];
  targets?: readonly TargetName[];
  /** seconds of writing per configuration (S) */
  seconds?: number;
  /** how long to wait after the last edit for stragglers before counting loss */
  drainMs?: number;
  /** unmeasured writing before the measured S seconds */
  warmupMs?: number;
  /** clients opened at once during ramp-up (split across load threads) */
  connectBatch?: number;
  /** load-generator worker threads; rooms are split between them whole */
  workers?: number;
  /**
   * Extra attempts for a measurement during which other processes took more than
   * OTHER_CPU_WARN_PERCENT of a core; the cleanest attempt is kept.
   */
  retries?: number;
  /** when set, each server runs with --cpu-prof, writing into <dir>/<target>-<config>/ */
  profileDir?: string;
  /**
   * Rounds per configuration, the targets alternating within each (attn, reference, attn, ...);
   * the ratios and the goal use each server's median over the rounds. On the 2-core machine the
   * relay's own CPU per edit moved 158–233 µs between single runs of one load.
   */
  rounds?: number;
  /**
   * Both targets are written to in the same window, each by its own load threads (see
   * runTogether), instead of one after the other. Doubles the load on the machine: for loads
   * that fit twice (200×3 (1w) does, at ~1 core of 2 for both pairs).
   */
  paired?: boolean;
  /**
   * Each server (attn and the relay alike) runs at real-time priority (`chrt`: its threads at
   * SCHED_FIFO 1, its main thread at 2), so the load generator cannot take a core from it. On
   * this 2-core machine the generator needs 0.8–1.3 cores, and in attn's stalls over 50 ms at
   * 1000×2 its main thread spent 56–68% of the time runnable but waiting for a core (the loop
   * probe's split). With it a stall is nearly all the server's own work, as on a machine where
   * the load comes from elsewhere; the generator gets what the server leaves, so its delay (in
   * both servers' latencies) grows with the server's CPU. The kernel's real-time throttling is
   * lifted for the run where it can be (`liftRtThrottling`), so its reserve for normal threads
   * does not show as the server waiting for a core.
   */
  serverPriority?: boolean;
  /**
   * attn's clients open their sockets as attn's own client does (the token as a subprotocol,
   * shared/protocol.ts syncProtocols), which earns each writer acknowledgements (AuthMessage.Stored,
   * one frame per writer every 1–2 s). By default they connect as stock clients, with `?token=`, as
   * they do to the relay: a stock client ignores acknowledgements, so none are sent to it.
   */
  attnClients?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export type RunOptions = Required<Omit<SyncBenchOptions, 'configs' | 'targets' | 'log' | 'profileDir'>> & { profileDir: string | undefined };

/**
 * Long enough to hold several of each server's major garbage collections. With the generator's own
 * collections out of the window (GENERATOR_V8_FLAGS), the slowest 1% of deliveries at 200×3 (1w)
 * are the servers' mark-compacts: each one ~100 ms of concurrent marking on V8's four helper
 * threads over two cores, plus 23–43 ms of marking steps on the main thread (up to 16 ms each),
 * which delayed 100–150 deliveries. In steady state both servers mark-compact once their old
 * generation has grown ~10 MB past the last one's live heap, every ~8 s at this load; but the
 * relay's first came ~22 s after start (its limit was set when its heap held 10 MB), attn's ~13 s
 * after (creating 200 rooms leaves it 23 MB). A 10 s window opening ~9 s in held one of attn's
 * in 3 of 8 runs and one of the relay's in none of 8 (`--trace-gc`, perf), and those runs' p99
 * measured just that. A 30 s window holds two to four of each (10 s until session 13).
 */
const DEFAULT_SECONDS = 30;
const DEFAULT_DRAIN_MS = 3_000;
/**
 * Long enough for both servers' hot code to be compiled before the window opens: the window is
 * meant to measure a server that runs for hours. With 2 s (the default until session 12), TurboFan
 * was still compiling attn's sync path inside the window (per second of writing at 200×3, in
 * `--trace-opt` completions: attn 34, 32, 14, 16, 8, 8 in seconds 2-7, the relay 26, 8, 6, 2, 4,
 * 2), on the V8 helper threads the window counts: CPU per edit 1.15× the relay's over a 20 s
 * window against 1.20-1.37× over 10 s. `--warmup-ms 2000` measures as before.
 */
const DEFAULT_WARMUP_MS = 5_000;
const DEFAULT_CONNECT_BATCH = 100;
/** One load thread per core: the server under test gets its own process on the same cores. */
const DEFAULT_WORKERS = Math.max(1, Math.min(2, os.cpus().length));
const DEFAULT_RETRIES = 1;
const DEFAULT_ROUNDS = 1;
const DEFAULT_SEED = 0x5eed;
/** A batch of sockets that has not synced by then is reported as a failed ramp-up. */
const CONNECT_BATCH_TIMEOUT_MS = 30_000;
/** Generous: on a shared 2-core machine under load, tsx alone took over 30 s to start the server. */
const SERVER_READY_TIMEOUT_MS = 120_000;
/** Awareness hellos and the last sync step 2s are still in flight right after ramp-up. */
const SETTLE_BEFORE_LOAD_MS = 500;
const ROOM_CREATE_CONCURRENCY = 16;
/** Shards are told to start this far ahead so they all begin writing at the same instant. */
const START_LEAD_MS = 100;
/** Booting a worker thread includes loading tsx, yjs and ws in it. */
const SHARD_BOOT_MS = 15_000;
const SHARD_DONE_SLACK_MS = 15_000;
const SHARD_CLOSE_TIMEOUT_MS = 10_000;
/** How long after the drain to keep counting arrivals, to report late apart from lost. */
const LATE_GRACE_MS = 10_000;
/** Above this the generator itself, not the server, is adding latency; say so in the report. */
const GENERATOR_LOOP_P99_WARN_MS = 20;
/** Other processes' CPU above this during a window makes its numbers untrustworthy. */
const OTHER_CPU_WARN_PERCENT = 15;
const QUIET_PROBE_MS = 1_000;
const QUIET_WAIT_MAX_MS = 10_000;
/** The server's event-loop probe, preloaded into both servers. */
export const LOOP_PROBE = path.join(REPO_ROOT, 'tests/bench/loopProbe.mjs');
const LOOP_PROBE_TIMEOUT_MS = 5_000;
/** The issue's goal: no server stall over this in the measured window. */
const SERVER_STALL_WARN_MS = 50;
/** The issue's goal for server CPU per edit against the bare relay. */
const GOAL_CPU_RATIO = 1.3;
/** Sockets the generator and each server need beyond one per client (stdio, sqlite, http). */
const FD_HEADROOM = 256;

export function describeConfig(c: SyncConfig): string {
  const writers = c.writers === c.clients ? '' : ` (${c.writers}w)`;
  return `${c.rooms}×${c.clients}${writers} @ ${c.editsPerSec}/s`;
}

/** Parses `RxC@U` or `RxC@UwW`, e.g. `200x3@5` or `200x3@5w1`. */
export function parseConfigSpec(spec: string): SyncConfig {
  const match = /^(\d+)[x×](\d+)@(\d+(?:\.\d+)?)(?:w(\d+))?$/.exec(spec.trim());
  if (!match) throw new Error(`bad sync config "${spec}": expected RxC@U or RxC@UwW, e.g. 200x3@5 or 200x3@5w1`);
  const rooms = Number(match[1]);
  const clients = Number(match[2]);
  const editsPerSec = Number(match[3]);
  const writers = match[4] === undefined ? clients : Number(match[4]);
  if (rooms < 1 || clients < 2 || editsPerSec <= 0 || writers < 1 || writers > clients) {
    throw new Error(`bad sync config "${spec}": need rooms ≥ 1, clients ≥ 2, 1 ≤ writers ≤ clients, rate > 0`);
  }
  return { rooms, clients, writers, editsPerSec };
}

// ---- results -------------------------------------------------------------------

export interface SyncTargetResult {
  server: TargetName;
  /** 1-based, when the configuration ran in several rounds */
  round?: number;
  status: 'ok' | 'failed' | 'skipped';
  /** why it failed or was skipped */
  error?: string;
  setupMs: number;
  connectMs: number;
  /** when the measured window opened (epoch ms; paired runs share it) */
  windowStartEpochMs: number;
  /** from the first edit until every edit arrived (or the drain gave up) */
  windowMs: number;
  drainMs: number;
  sent: number;
  expected: number;
  /** deliveries observed by the end of the drain */
  delivered: number;
  /** deliveries that arrived after the drain but within the late grace period (late, not lost) */
  lateDelivered: number;
  /** rooms still missing deliveries after the grace period */
  roomsWithLoss: number;
  latencyMs: Distribution;
  /** the same latencies in 1%-wide buckets ([bucket, count], LatencyHistogram's JSON form), so rounds can be pooled */
  latencyHistogram?: Array<[number, number]>;
  /** where the deliveries at or above p99 fell in the window, and how many a server full collection caught */
  tail?: TailReport;
  serverCpuSeconds: number;
  /** of serverCpuSeconds, the main thread's (decoding, applying, relaying); the rest ran beside it */
  serverMainThreadCpuSeconds: number;
  serverCpuPercentOfCore: number;
  serverPeakRssMb: number;
  serverEndRssMb: number;
  generatorCpuPercentOfCore: number;
  generatorLoopDelayP99Ms: number;
  generatorLoopDelayMaxMs: number;
  /** the server's own event-loop delay over the window (tests/bench/loopProbe.mjs) */
  serverLoopDelayP99Ms: number;
  serverLoopDelayMaxMs: number;
  /** the server's garbage-collection pauses in the window (count, total and longest ms) */
  /** garbage-collection pauses in the window; `major`: the full (mark-compact) ones among them */
  serverGc?: ServerGc;
  /** the server's V8 heap in use at the end of the window (MB) */
  serverHeapMb?: number;
  /** the server's stalls over 50 ms, split into its own work and waiting for a core (Linux only) */
  serverStalls?: StallReport;
  /** CPU other processes on the machine used during the window, in % of one core */
  otherCpuPercentOfCore: number;
  /** other processes kept the machine busy for the whole pre-window quiet wait */
  hostNeverQuiet?: boolean;
  /** sockets that closed after ramp-up (each one reconnects unless the code is fatal) */
  reconnects: number;
  closeCodes: Record<string, number>;
  connectionErrors: Record<string, number>;
  /**
   * Frames on all client sockets during the window, per measured edit, by kind: what the
   * server makes its clients receive and send for each edit (ideal relay: C-1 updates in, 1 out).
   */
  clientFramesPerEdit: { received: Record<string, number>; sent: Record<string, number> };
  /** bytes in attn's data dir at the end (SQLite + WAL); absent for the reference */
  storeBytes?: number;
  warnings: string[];
}

export interface SyncRatio {
  p50: number;
  p99: number;
  max: number;
  cpu: number;
  /** server CPU per measured edit */
  cpuPerEdit: number;
  peakRss: number;
}

/** Server CPU (all its threads) per edit sent in the window, in µs. */
function cpuPerEditUs(r: SyncTargetResult): number {
  return (r.serverCpuSeconds * 1e6) / Math.max(1, r.sent);
}

/**
 * Each server's p99 over every delivery of all its rounds, and how far whole rounds move their
 * ratio. The goal is judged on the medians of the rounds (`medianResult`); this says whether
 * the rounds settle it: an interval that holds 1 means the run cannot tell the two p99s apart.
 */
export interface PooledP99 {
  rounds: number;
  /** rounds were resampled as pairs (`--paired`) */
  paired: boolean;
  attnMs: number;
  referenceMs: number;
  ratio: number;
  /** the central 90% of the ratio over 2,000 resamples of the rounds (bootstrapPooledRatio) */
  low: number;
  high: number;
}

/** `paired`: the runs are `--paired` rounds, resampled as pairs (rounds that lack a partner are left out). */
export function poolRounds(attnRuns: readonly SyncTargetResult[], referenceRuns: readonly SyncTargetResult[], { paired = false } = {}): PooledP99 | undefined {
  const withHistogram = (runs: readonly SyncTargetResult[]) => runs.filter((r) => r.latencyHistogram !== undefined);
  let attn = withHistogram(attnRuns);
  let reference = withHistogram(referenceRuns);
  if (paired) {
    attn = attn.filter((x) => reference.some((y) => y.round === x.round));
    reference = attn.map((x) => reference.find((y) => y.round === x.round)!);
  }
  const a = attn.map((r) => LatencyHistogram.fromPairs(r.latencyHistogram!));
  const b = reference.map((r) => LatencyHistogram.fromPairs(r.latencyHistogram!));
  if (a.length < 2 || b.length < 2) return undefined;
  const pooled = bootstrapPooledRatio(a, b, 99, { paired });
  return { rounds: Math.min(a.length, b.length), paired, attnMs: pooled.a, referenceMs: pooled.b, ratio: pooled.ratio, low: pooled.low, high: pooled.high };
}

/** Each measure's median over several runs of one server (each measure on its own). */
function medianResult(runs: SyncTargetResult[]): { latencyMs: { p50: number; p99: number; max: number }; serverCpuSeconds: number; cpuPerEdit: number; serverPeakRssMb: number } {
  const med = (pick: (r: SyncTargetResult) => number): number => median(runs.map(pick));
  return {
    latencyMs: { p50: med((r) => r.latencyMs.p50), p99: med((r) => r.latencyMs.p99), max: med((r) => r.latencyMs.max) },
    serverCpuSeconds: med((r) => r.serverCpuSeconds),
    cpuPerEdit: med(cpuPerEditUs),
    serverPeakRssMb: med((r) => r.serverPeakRssMb),
  };
}

export interface SyncConfigResult {
  config: SyncConfig;
  label: string;
  results: SyncTargetResult[];
  /** attn / reference, from each server's median over the rounds; present when both ran */
  ratio?: SyncRatio;
  /** with several rounds: each round's p99 and CPU-per-edit ratio, in order */
  roundRatios?: Array<{ p99: number; cpuPerEdit: number }>;
  /** with several rounds: see `poolRounds` */
  pooled?: PooledP99;
  /** issue 15's goal: attn p99 no worse than the reference, CPU per edit ≤ 1.3×, no stall > 50 ms, zero loss */
  goal?: { met: boolean; reasons: string[] };
}

export interface SyncBenchResult {
  suite: 'sync';
  startedAt: string;
  seconds: number;
  drainMs: number;
  warmupMs: number;
  loadThreads: number;
  /** both targets were measured in the same windows (`--paired`), each with `loadThreads` of its own */
  paired: boolean;
  /** the servers ran at real-time priority (`--server-priority`) */
  serverPriority: boolean;
  /** attn's clients connected as attn's own client does, and so got acknowledgements (`--attn-clients`) */
  attnClients: boolean;
  /** with serverPriority: whether the kernel's real-time throttling was off for the run ('lifted', 'already off'), or why it stayed on */
  rtThrottling?: { state: RtThrottling['state']; reason?: string };
  host: { cpus: number; cpuModel: string; node: string; openFileLimit: number | null };
  configs: SyncConfigResult[];
  warnings: string[];
}

// ---- targets --------------------------------------------------------------------

interface RoomEndpoints {
  /** endpoint for the i-th client of the room */
  client(i: number): ClientEndpoint;
}

export interface Target {
  name: TargetName;
  /** undefined when runnable; otherwise the reason it is skipped */
  unavailable(): string | undefined;
  start(nodeArgs: string[], loopFile: string, priority: 'normal' | 'realtime'): Promise<{ server: ServerProcess; cleanup(): { storeBytes?: number } }>;
  prepareRooms(server: ServerProcess, count: number, tag: string, opts?: { attnClients?: boolean }): Promise<RoomEndpoints[]>;
}

const ATTN_MAIN = 'server/main.ts';
/** What `npm start` runs: the server compiled by `npm run build:server`. */
const ATTN_COMPILED = 'dist/server/main.js';
/**
 * attn is measured as `npm start` runs it, compiled and with its flags (tests/unit/bench-flags.test.ts
 * keeps the two in step); the reference relay runs with Node's defaults, as its own docs start it.
 * Under tsx the server paid for the loader, esbuild's name-keeping helpers in every closure and
 * source-mapped stack traces, none of which `npm start` has.
 */
/**
 * A 16 MB young generation (V8's own default on 64-bit), not the 64 MB used before: alternating
 * runs at 200×3 (1w) put the longest scavenge at 6–18 ms against 29–40 ms, the event loop's worst
 * stall at 12–19 ms against 33–45 ms, and peak RSS at ~185 MB against ~240; CPU per edit moved
 * less than run-to-run noise. All writing (3,000 edits/s): longest pause 19–22 ms against 48–57.
 *
 * No allocation-site pretenuring: V8 had decided that the Maps and Sets of a Yjs transaction (one
 * transaction per applied update) outlive a scavenge, and allocated them straight into the old
 * generation, where they died: a sampling heap profile of what escaped the young generation
 * (200×3 (1w), 10 s) found 15 MB of them in attn against 1 MB in the relay, which never took
 * that decision. Only full collections free such garbage: attn promoted 25 MB against the relay's
 * 8 in the window, with 7 mark-compacts against 3, and spent 68–98 ms in GC pauses against the
 * relay's 35–50. Without pretenuring: 36–50 ms, 11.7 MB promoted, and over two pairs of
 * three-round runs CPU per edit 1.32× and 1.21× the relay's against 1.41× and 1.61×, p99 1.33×
 * and 1.40× against 1.59× and 2.09×. V8 takes that decision in some runs and not in others
 * (earlier runs had found the two GCs at parity), one reason attn's CPU per edit swung from run
 * to run. What lives long here (the documents' structs) is promoted by the scavenges as usual.
 */
export const ATTN_NODE_FLAGS = ['--max-semi-space-size=16', '--no-allocation-site-pretenuring'];

/**
 * Starts attn as `npm start` does, on the embedded SQLite store in `dataDir` (a fresh temporary
 * one unless given: the crash bench restarts a killed server on the same directory).
 */
export async function startAttnServer(
  nodeArgs: string[],
  opts: { loopFile?: string; dataDir?: string; priority?: 'normal' | 'realtime'; databaseUrl?: string } = {},
) {
  await buildServerOnce();
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'attn-bench-'));
  const server = await ServerProcess.start({
    name: 'attn',
    script: ATTN_COMPILED,
    loader: 'none',
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ATTN_DATA_DIR: dataDir,
      ...(opts.loopFile ? { BENCH_LOOP_FILE: opts.loopFile } : {}),
      ATTN_LOG_LEVEL: 'warn',
      // Empty means "default" to server/config.ts: the embedded SQLite store, no Redis, even
      // if the shell running the bench has these set for something else.
      ATTN_DATABASE_URL: opts.databaseUrl ?? '',
      ATTN_REDIS_URL: '',
      // The bench creates up to 1000 rooms from one address, far past the per-address rate.
      ATTN_ROOM_CREATE_PER_MINUTE: '0',
      // Every bench client connects from 127.0.0.1: the per-address cap would refuse them.
      ATTN_MAX_SOCKETS_PER_IP: '0',
      ATTN_MAX_SOCKETS_PER_ROOM: '0',
    },
    readyTimeoutMs: SERVER_READY_TIMEOUT_MS,
    nodeArgs: [...ATTN_NODE_FLAGS, ...nodeArgs],
    priority: opts.priority,
  }).catch((err: unknown) => {
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return { server, dataDir };
}

let built: Promise<void> | undefined;
/** Compiles the server once per bench process, so what is measured is what the sources say now. */
function buildServerOnce(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build:server'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build:server failed (${code}): ${err.slice(-500)}`))));
  });
  return built;
}

export const attnTarget: Target = {
  name: 'attn',
  unavailable: () => (existsSync(path.join(REPO_ROOT, ATTN_MAIN)) ? undefined : `${ATTN_MAIN} does not exist yet`),
  async start(nodeArgs, loopFile, priority) {
    const { server, dataDir } = await startAttnServer(nodeArgs, { loopFile, priority });
    return {
      server,
      cleanup: () => {
        const storeBytes = dirBytes(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
        return { storeBytes };
      },
    };
  },
  async prepareRooms(server, count, _tag, opts) {
    const rooms = await mapConcurrent(count, ROOM_CREATE_CONCURRENCY, async () => {
      const res = await fetch(`${server.httpUrl}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /api/rooms answered ${res.status}: ${text.slice(0, 300)}`);
      return CreateRoomResponse.parse(JSON.parse(text));
    });
    return rooms.map((created) => {
      // syncPath is the one spelling of `/sync/<roomId>/<doc>`; WebsocketProvider appends
      // `/<roomname>` to its server URL, so split the path at its last slash.
      const full = syncPath(created.room.id, 'board');
      const cut = full.lastIndexOf('/');
      const serverUrl = server.wsUrl + full.slice(0, cut);
      const roomname = full.slice(cut + 1);
      // One interviewer and the rest candidates: both roles may write the board.
      const tokenOf = (i: number) => (i === 0 ? created.links.interviewer.token : created.links.candidate.token);
      if (opts?.attnClients) return { client: (i: number) => ({ serverUrl, roomname, params: {}, protocols: syncProtocols(tokenOf(i)) }) };
      return { client: (i: number) => ({ serverUrl, roomname, params: { token: tokenOf(i) } }) };
    });
  },
};

export const referenceTarget: Target = {
  name: 'reference',
  unavailable: () => undefined,
  async start(nodeArgs, loopFile, priority) {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', BENCH_LOOP_FILE: loopFile };
    delete env.YPERSISTENCE;
    delete env.CALLBACK_URL;
    const server = await ServerProcess.start({
      name: 'reference',
      script: 'tests/bench/reference-server.ts',
      env,
      readyTimeoutMs: SERVER_READY_TIMEOUT_MS,
      nodeArgs,
      priority,
    });
    return { server, cleanup: () => ({}) };
  },
  async prepareRooms(server, count, tag) {
    const rooms: RoomEndpoints[] = [];
    for (let r = 0; r < count; r++) {
      const endpoint: ClientEndpoint = { serverUrl: server.wsUrl, roomname: `${tag}-room${r}/board`, params: {} };
      rooms.push({ client: () => endpoint });
    }
    return rooms;
  },
};

const TARGETS: Record<TargetName, Target> = { attn: attnTarget, reference: referenceTarget };

// ---- load generator (coordinator side; the clients live in syncWorker.ts) -----------------

/**
 * V8 settings for the load generator's own isolates (this process only; each server is a process
 * of its own and never sees them). The generator is the instrument: its garbage collections land
 * in both servers' latencies, and at 200×3 (1w) they decided p99. Each shard thread's clients'
 * docs grow with every edit, and its heap reached V8's first old-generation limit ~16 s into its
 * life, inside the window: one mark-compact per shard, a ~10 ms pause plus ~100 ms of concurrent
 * marking on V8's four helper threads, which took both cores (perf). Half of the window's slowest
 * 1% of deliveries fell in that one 100 ms (98 of 200 against attn, 108 against the relay), so
 * the p99 ratio depended on whether it landed in a server's window. A shard's heap starts at
 * 256 MB instead, past what a 30 s window grows it to (~60 MB): no shard mark-compact in any
 * window (`node --trace-gc --import tsx tests/bench/run.ts ...`). Forcing a full collection
 * before the window does not do it: V8 then set a limit a few MB above the live heap, and two
 * mark-compacts landed in the window instead of one. (`npm run bench` also turns V8's memory
 * reducer off for the whole process, which must be done at its start: between bursts the
 * coordinator thread allocates little, and the reducer compacted its 60–80 MB heap three times
 * in a row inside the window, 10–40 ms pauses with concurrent marking on all helpers.)
 *
 * Each shard's young generation has 32 MB semi-spaces instead of V8's 16. Scavenging its
 * clients' garbage was 16% of a shard thread's CPU profile at 1000×2; with this and the zero
 * mask key (`zeroMask` in syncWorker.ts), three alternating 15 s runs against attn at 1000×2 put
 * the generator at 65–67% of a core instead of 81–84%, its loop delay p99 at 26–31 ms instead of
 * 42–43, and attn's p99 at 109–191 ms instead of 193–293: less of the instrument in both servers'
 * latencies. At 200×3 (1w), where the generator takes ~30% of a core, no difference past noise.
 */
const GENERATOR_V8_FLAGS = ['--initial-old-space-size=256', '--max-semi-space-size=32'];

/** Lets a worker thread run TypeScript: workers do not inherit tsx's loader from `--import`. */
export function startShardWorker(init: ShardInit): Worker {
  // Flags are read when an isolate is created, so they must be set before the shard's.
  for (const flag of GENERATOR_V8_FLAGS) v8.setFlagsFromString(flag);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./syncWorker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

/** Resolves with the next message from every shard, rejecting if any shard fails or dies. */
export function nextFromAll<T extends FromShard['type']>(workers: Worker[], type: T, timeoutMs: number): Promise<Array<Extract<FromShard, { type: T }>>> {
  return Promise.all(
    workers.map(
      (worker, shard) =>
        new Promise<Extract<FromShard, { type: T }>>((resolve, reject) => {
          const cleanup = () => {
            clearTimeout(timer);
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          };
          const onMessage = (message: FromShard) => {
            if (message.type === type) {
              cleanup();
              resolve(message as Extract<FromShard, { type: T }>);
            } else if (message.type === 'failed') {
              cleanup();
              reject(new Error(`load shard ${shard}: ${message.error}`));
            }
          };
          const onError = (err: Error) => {
            cleanup();
            reject(new Error(`load shard ${shard} crashed: ${err.stack ?? err.message}`));
          };
          const onExit = (code: number) => {
            cleanup();
            reject(new Error(`load shard ${shard} exited (code ${code}) before '${type}'`));
          };
          const timer = setTimeout(() => {
            cleanup();
            reject(new Error(`load shard ${shard} sent no '${type}' within ${timeoutMs} ms`));
          }, timeoutMs);
          worker.on('message', onMessage);
          worker.once('error', onError);
          worker.once('exit', onExit);
        }),
    ),
  );
}

export async function stopShards(workers: Worker[]): Promise<void> {
  for (const worker of workers) worker.postMessage({ type: 'close' } satisfies ToShard);
  await nextFromAll(workers, 'closed', SHARD_CLOSE_TIMEOUT_MS).catch(() => undefined);
  await Promise.all(workers.map((w) => w.terminate()));
}

/** One target's part of a measurement: its server, its load threads, and what they measured. */
interface Run {
  target: Target;
  tag: string;
  result: SyncTargetResult;
  loopFile: string;
  started?: Awaited<ReturnType<Target['start']>>;
  workers: Worker[];
}

/**
 * Measures the targets in one window: each server is started, its rooms made and its clients
 * synced (one after the other), then every server is written to at once, on the same schedule,
 * each by load threads of its own. With one target this is the usual run. With two (`--paired`),
 * both servers see the same machine at the same instants: on this shared 2-core VM one server's
 * CPU per edit moved 161–309 µs between runs minutes apart, so a ratio between windows minutes
 * apart moves with the machine as much as with the servers. Each server's CPU, stalls and GC are
 * its own process's; the generator's CPU and the other processes' load are the window's.
 */
export async function runTogether(targets: Target[], config: SyncConfig, opts: RunOptions, tag: string, log: (line: string) => void): Promise<SyncTargetResult[]> {
  const results = targets.map((target) => emptyResult(target.name));
  const runs: Run[] = [];
  targets.forEach((target, i) => {
    const skip = target.unavailable();
    if (skip !== undefined) results[i] = { ...results[i]!, status: 'skipped', error: skip };
    else runs.push({ target, tag, result: results[i]!, loopFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'attn-loop-')), 'loop.json'), workers: [] });
  });
  if (runs.length === 0) return results;
  let preparing: Run | undefined;
  try {
    for (const run of runs) {
      preparing = run;
      await prepareRun(run, config, opts, log);
    }
    preparing = undefined;
    const servers = runs.map((run) => run.started!.server);
    await sleep(SETTLE_BEFORE_LOAD_MS);
    const busy = await waitForQuietHost(servers);
    if (busy !== undefined) {
      for (const run of runs) {
        run.result.hostNeverQuiet = true;
        run.result.warnings.push(`machine still busy with other processes (${fixed(busy, 0)}% of a core) after ${QUIET_WAIT_MAX_MS / 1000} s; measured anyway`);
      }
    }

    // Writing starts with an unmeasured warm-up: the first second of edits runs cold code in
    // every load thread and in the server (stalls of 30-150 ms were seen), not steady state.
    const startAt = epochNow() + START_LEAD_MS;
    const measureFrom = startAt + opts.warmupMs;
    const start: ToShard = {
      type: 'start',
      startAtEpochMs: startAt,
      measureFromEpochMs: measureFrom,
      seconds: opts.seconds,
      drainMs: opts.drainMs,
      lateGraceMs: LATE_GRACE_MS,
    };
    const doneTimeoutMs = START_LEAD_MS + opts.warmupMs + opts.seconds * 1000 + opts.drainMs + LATE_GRACE_MS + SHARD_DONE_SLACK_MS;
    // Listen before starting, so a shard that fails early is seen by both waits.
    const waits = runs.map((run) => {
      const drained = nextFromAll(run.workers, 'drained', doneTimeoutMs);
      const done = nextFromAll(run.workers, 'done', doneTimeoutMs);
      // Handlers now so an early shard failure is not an unhandled rejection during the sleep.
      drained.catch(() => undefined);
      done.catch(() => undefined);
      return { drained, done };
    });
    for (const run of runs) for (const worker of run.workers) worker.postMessage(start);
    await sleep(Math.max(0, measureFrom - epochNow()));

    // ---- measured window: from the end of warm-up to each server's last shard's drain ----
    const loopStarts = await Promise.all(runs.map((run, i) => readServerLoop(servers[i]!, run.loopFile, 0)));
    const before = servers.map((server) => server.counters());
    const hostBefore = readHostCpu();
    const genBefore = process.cpuUsage();
    const windowStart = epochNow();
    // Server and host counters stop when the drain ends; the late grace period after it only
    // tells late from lost and must not dilute CPU figures.
    const ends = await Promise.all(
      runs.map(async (run, i) => {
        await waits[i]!.drained;
        const windowEnd = epochNow();
        const after = servers[i]!.counters();
        const loop = loopStarts[i] && (await readServerLoop(servers[i]!, run.loopFile, loopStarts[i]!.generation));
        return { windowEnd, after, loop };
      }),
    );
    const genCpu = process.cpuUsage(genBefore);
    const hostAfter = readHostCpu();
    const hostSeconds = (Math.max(...ends.map((e) => e.windowEnd)) - windowStart) / 1000;
    // ---- end of window ----

    let serversCpuSeconds = 0;
    for (const [i, run] of runs.entries()) {
      const { windowEnd, after, loop } = ends[i]!;
      const b = before[i];
      collectRun(run, { windowStart, windowEnd, before: b, after, loop, done: await waits[i]!.done });
      if (b && after) serversCpuSeconds += after.cpuSeconds - b.cpuSeconds;
    }
    const genCpuSeconds = (genCpu.user + genCpu.system) / 1e6;
    const others = hostBefore && hostAfter && runs.every((run) => Number.isFinite(run.result.serverCpuSeconds))
      ? Math.max(0, ((hostAfter.busySeconds - hostBefore.busySeconds - genCpuSeconds - serversCpuSeconds) / hostSeconds) * 100)
      : undefined;
    const threads = runs.reduce((n, r) => n + r.workers.length, 0);
    for (const run of runs) {
      const result = run.result;
      result.generatorCpuPercentOfCore = (genCpuSeconds / hostSeconds) * 100;
      if (result.generatorLoopDelayP99Ms > GENERATOR_LOOP_P99_WARN_MS) {
        result.warnings.push(
          `load generator busy (event-loop delay p99 ${fixed(result.generatorLoopDelayP99Ms)} ms, max ${fixed(result.generatorLoopDelayMaxMs)} ms, ` +
            `CPU ${fixed(result.generatorCpuPercentOfCore, 0)}% of a core over ${threads} thread(s)): latencies include generator delay`,
        );
      }
      if (others !== undefined) {
        result.otherCpuPercentOfCore = others;
        if (others > OTHER_CPU_WARN_PERCENT) {
          result.warnings.push(`other processes used ${fixed(others, 0)}% of a core during the window (machine has ${os.cpus().length} cores): these figures are noisy`);
        }
      }
    }
    return results;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    for (const run of runs) {
      // The run that failed says why; in a paired window the other one failed with it.
      const own = preparing === undefined || preparing === run;
      const tail = own ? run.started?.server.outputTail() : undefined;
      const error = own ? (tail ? `${message}\n--- ${run.target.name} output (tail) ---\n${tail}` : message) : `the paired run failed: ${message}`;
      Object.assign(run.result, { status: 'failed', error });
    }
    return results;
  } finally {
    for (const run of runs) {
      await stopShards(run.workers);
      run.workers = [];
      if (run.started) {
        await run.started.server.stop();
        const { storeBytes } = run.started.cleanup();
        if (storeBytes !== undefined) run.result.storeBytes = storeBytes;
      }
    }
  }
}

/** Starts the target's server, makes its rooms and connects its clients until each has synced. */
async function prepareRun(run: Run, config: SyncConfig, opts: RunOptions, log: (line: string) => void): Promise<void> {
  const { target, result } = run;
  const setupStart = performance.now();
  // A CPU profile of the server under this exact load, for whoever has to make it faster.
  // One directory per run: tsx's loader thread writes a profile too, and a fixed file name
  // would let it overwrite the main thread's (the largest file is the server's).
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.profileDir, `${target.name}-${run.tag}`)}`] : [];
  nodeArgs.push('--import', pathToFileURL(LOOP_PROBE).href);
  run.started = await target.start(nodeArgs, run.loopFile, opts.serverPriority ? 'realtime' : 'normal');
  const { server } = run.started;
  const rooms = await target.prepareRooms(server, config.rooms, run.tag, { attnClients: opts.attnClients });
  result.setupMs = performance.now() - setupStart;

  // Whole rooms per shard, contiguous, as even as possible.
  const shards = Math.min(opts.workers, config.rooms);
  const per = Math.ceil(config.rooms / shards);
  const connectStart = performance.now();
  for (let shard = 0, first = 0; first < config.rooms; shard++, first += per) {
    const mine = rooms.slice(first, first + per);
    run.workers.push(
      startShardWorker({
        kind: 'sync-shard',
        shard,
        config,
        rooms: mine.map((room) => Array.from({ length: config.clients }, (_, i) => room.client(i))),
        roomOffset: first,
        connectBatch: Math.max(1, Math.ceil(opts.connectBatch / shards)),
        connectTimeoutMs: CONNECT_BATCH_TIMEOUT_MS,
        seed: opts.seed,
      }),
    );
  }
  const connectBudgetMs = CONNECT_BATCH_TIMEOUT_MS * Math.ceil(config.rooms * config.clients / opts.connectBatch) + SHARD_BOOT_MS;
  await nextFromAll(run.workers, 'ready', connectBudgetMs).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}${server.hasExited ? `; server ${server.describeExit()}` : ''}`);
  });
  result.connectMs = performance.now() - connectStart;
  log(
    `  ${target.name}: ${config.rooms * config.clients} clients synced in ${(result.connectMs / 1000).toFixed(1)} s ` +
      `(${run.workers.length} load thread${run.workers.length > 1 ? 's' : ''}); writing for ${opts.seconds} s`,
  );
}

/** What one server's window measured: its clients' deliveries, its own CPU, loop and GC. */
function collectRun(
  run: Run,
  w: {
    windowStart: number;
    windowEnd: number;
    before: ProcCounters | undefined;
    after: ProcCounters | undefined;
    loop: LoopReport | undefined;
    done: Array<Extract<FromShard, { type: 'done' }>>;
  },
): void {
  const { result } = run;
  const server = run.started!.server;
  const { loop, done } = w;
  if (loop) {
    result.serverLoopDelayP99Ms = loop.p99Ms;
    result.serverLoopDelayMaxMs = loop.maxMs;
    result.serverGc = loop.gc;
    if (loop.heapMb !== undefined) result.serverHeapMb = loop.heapMb;
    if (loop.stalls) result.serverStalls = loop.stalls;
    if (loop.maxMs > SERVER_STALL_WARN_MS) result.warnings.push(`server event loop stalled ${fixed(loop.maxMs)} ms (p99 ${fixed(loop.p99Ms)} ms) in the window`);
  }

  const deliveries = done.reduce((n, d) => n + d.timeline.latencyMs.length, 0);
  const samples = new Samples(deliveries);
  // the send times are only read back in order: one array, filled shard by shard
  const sentAt = new Float64Array(deliveries);
  let filled = 0;
  for (const { timeline } of done) {
    for (let i = 0; i < timeline.latencyMs.length; i++) samples.push(timeline.latencyMs[i]!);
    sentAt.set(timeline.sentAt, filled);
    filled += timeline.sentAt.length;
  }
  const closeCodes = new Map<string, number>();
  const connectionErrors = new Map<string, number>();
  const framesReceived = new Array<number>(FRAME_KINDS.length).fill(0);
  const framesSent = new Array<number>(FRAME_KINDS.length).fill(0);
  for (const d of done) {
    result.sent += d.sent;
    result.delivered += d.delivered;
    result.lateDelivered += d.lateDelivered;
    d.framesReceived.forEach((n, k) => (framesReceived[k]! += n));
    d.framesSent.forEach((n, k) => (framesSent[k]! += n));
    result.expected += d.expected;
    result.roomsWithLoss += d.roomsWithLoss;
    result.reconnects += d.reconnects;
    for (const [k, n] of Object.entries(d.closeCodes)) closeCodes.set(k, (closeCodes.get(k) ?? 0) + n);
    for (const [k, n] of Object.entries(d.connectionErrors)) connectionErrors.set(k, (connectionErrors.get(k) ?? 0) + n);
  }
  const perEdit = (counts: number[]) =>
    Object.fromEntries(FRAME_KINDS.map((kind, k) => [kind, counts[k]! / Math.max(1, result.sent)]).filter(([, n]) => (n as number) > 0));
  result.clientFramesPerEdit = { received: perEdit(framesReceived), sent: perEdit(framesSent) };
  result.windowStartEpochMs = w.windowStart;
  result.windowMs = w.windowEnd - w.windowStart;
  result.drainMs = Math.max(...done.map((d) => d.endEpochMs)) - Math.max(...done.map((d) => d.writeEndEpochMs));
  result.latencyMs = summarize(samples);
  const latencies = samples.inOrder();
  result.latencyHistogram = LatencyHistogram.of(latencies).toPairs();
  if (Number.isFinite(result.latencyMs.p99)) result.tail = tailReport(latencies, sentAt, result.latencyMs.p99, loop?.gc?.major?.at ?? [], { from: w.windowStart });
  result.closeCodes = Object.fromEntries(closeCodes);
  result.connectionErrors = Object.fromEntries(connectionErrors);
  result.generatorLoopDelayP99Ms = Math.max(...done.map((d) => d.loopDelayP99Ms));
  result.generatorLoopDelayMaxMs = Math.max(...done.map((d) => d.loopDelayMaxMs));

  const windowSec = result.windowMs / 1000;
  if (w.before && w.after) {
    result.serverCpuSeconds = w.after.cpuSeconds - w.before.cpuSeconds;
    result.serverMainThreadCpuSeconds = w.after.mainThreadCpuSeconds - w.before.mainThreadCpuSeconds;
    result.serverCpuPercentOfCore = (result.serverCpuSeconds / windowSec) * 100;
    result.serverPeakRssMb = w.after.peakRssBytes / 2 ** 20;
    result.serverEndRssMb = w.after.rssBytes / 2 ** 20;
  } else {
    result.warnings.push(`server ${server.describeExit() || 'exited'} during the run:\n${server.outputTail()}`);
  }
  if (result.reconnects > 0) {
    result.warnings.push(`${result.reconnects} socket(s) closed during the window (codes: ${formatCounts(closeCodes)})`);
  }
  if (result.delivered < result.expected) {
    const lost = result.expected - result.delivered - result.lateDelivered;
    result.warnings.push(
      `${result.expected - result.delivered} of ${result.expected} deliveries missing after the ${fixed(result.drainMs / 1000)} s drain: ` +
        `${result.lateDelivered} arrived late (within ${LATE_GRACE_MS / 1000} s more), ${lost} never arrived` +
        (lost > 0 ? ` (${result.roomsWithLoss} room(s))` : ''),
    );
  }
  if (result.delivered + result.lateDelivered > result.expected) {
    result.warnings.push(`${result.delivered + result.lateDelivered - result.expected} deliveries more than expected (duplicate observation?)`);
  }
  if (connectionErrors.size > 0) {
    const emfile = [...connectionErrors.keys()].some((m) => m.includes('EMFILE'));
    result.warnings.push(`connection errors: ${formatCounts(connectionErrors)}` + (emfile ? ' — EMFILE: raise the open-file limit (ulimit -n)' : ''));
  }
}

/**
 * Waits (bounded) until processes other than the generator and the servers are near idle, so a
 * concurrent build on a shared machine does not land inside the measured window. Returns the
 * other-process load in % of a core if it never settled, undefined once quiet.
 */
async function waitForQuietHost(servers: ServerProcess[]): Promise<number | undefined> {
  const deadline = performance.now() + QUIET_WAIT_MAX_MS;
  let others = 0;
  const serversCpu = (): number | undefined => {
    let sum = 0;
    for (const server of servers) {
      const c = server.counters();
      if (!c) return undefined;
      sum += c.cpuSeconds;
    }
    return sum;
  };
  for (;;) {
    const host0 = readHostCpu();
    const servers0 = serversCpu();
    const gen0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(QUIET_PROBE_MS);
    const host1 = readHostCpu();
    const servers1 = serversCpu();
    const gen = process.cpuUsage(gen0);
    if (!host0 || !host1 || servers0 === undefined || servers1 === undefined) return undefined;
    const seconds = (performance.now() - t0) / 1000;
    const busy = host1.busySeconds - host0.busySeconds - (servers1 - servers0) - (gen.user + gen.system) / 1e6;
    others = (busy / seconds) * 100;
    if (others < OTHER_CPU_WARN_PERCENT) return undefined;
    if (performance.now() >= deadline) return others;
  }
}

// ---- entry -------------------------------------------------------------------------

export async function runSyncBench(options: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const configs = options.configs ?? DEFAULT_SYNC_CONFIGS;
  const targets = options.targets ?? TARGET_NAMES;
  const opts: RunOptions = {
    seconds: options.seconds ?? DEFAULT_SECONDS,
    drainMs: options.drainMs ?? DEFAULT_DRAIN_MS,
    warmupMs: options.warmupMs ?? DEFAULT_WARMUP_MS,
    connectBatch: options.connectBatch ?? DEFAULT_CONNECT_BATCH,
    workers: options.workers ?? DEFAULT_WORKERS,
    retries: options.retries ?? DEFAULT_RETRIES,
    profileDir: options.profileDir,
    rounds: options.rounds ?? DEFAULT_ROUNDS,
    paired: (options.paired ?? false) && targets.length === 2,
    serverPriority: options.serverPriority ?? false,
    attnClients: options.attnClients ?? false,
    seed: options.seed ?? DEFAULT_SEED,
  };
  const noRealtime = opts.serverPriority ? realtimeUnavailable() : undefined;
  if (noRealtime) throw new Error(`--server-priority: ${noRealtime}`);

  const fdLimit = openFileLimit();
  const bench: SyncBenchResult = {
    suite: 'sync',
    startedAt: new Date().toISOString(),
    seconds: opts.seconds,
    drainMs: opts.drainMs,
    warmupMs: opts.warmupMs,
    loadThreads: opts.workers,
    paired: opts.paired,
    serverPriority: opts.serverPriority,
    attnClients: opts.attnClients,
    host: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      openFileLimit: fdLimit === undefined || !Number.isFinite(fdLimit) ? null : fdLimit,
    },
    configs: [],
    warnings: [],
  };
  const maxClients = Math.max(...configs.map((c) => c.rooms * c.clients));
  if (fdLimit !== undefined && fdLimit < maxClients + FD_HEADROOM) {
    bench.warnings.push(
      `open-file limit is ${fdLimit} but the largest configuration opens ${maxClients} sockets per process: raise it (ulimit -n ${maxClients + FD_HEADROOM * 4}) or expect EMFILE`,
    );
  }
  for (const name of targets) {
    const why = TARGETS[name].unavailable();
    if (why !== undefined) bench.warnings.push(`${name} skipped: ${why}`);
  }

  // Lifted before the first server starts, put back after the last one stopped (and on exit).
  const throttling = opts.serverPriority ? liftRtThrottling() : undefined;
  if (throttling) bench.rtThrottling = throttling.state === 'kept' ? { state: 'kept', reason: throttling.reason } : { state: throttling.state };
  try {
    await measureConfigs(bench, configs, targets, opts, log);
  } finally {
    if (throttling?.state === 'lifted') throttling.restore();
  }
  return bench;
}

/** Measures every configuration, each target in its rounds, into `bench.configs` with its ratios and goal. */
async function measureConfigs(bench: SyncBenchResult, configs: readonly SyncConfig[], targets: readonly TargetName[], opts: RunOptions, log: (line: string) => void): Promise<void> {
  for (const [index, config] of configs.entries()) {
    const label = describeConfig(config);
    log(`sync ${label}, ${opts.seconds} s`);
    const entry: SyncConfigResult = { config, label, results: [] };
    for (let round = 1; round <= opts.rounds; round++) {
      const tag = opts.rounds > 1 ? `c${index}n${round}` : `c${index}`;
      // Paired: one window for both; which one is set up first alternates with the rounds.
      const groups = opts.paired ? [round % 2 === 1 ? [...targets] : [...targets].reverse()] : targets.map((name) => [name]);
      for (const group of groups) {
        const measure = (suffix: string) => runTogether(group.map((name) => TARGETS[name]), config, opts, `${tag}${suffix}`, log);
        let results = await measure('');
        // A concurrent build on a shared machine ruins a window; try again and keep the cleanest.
        const noisy = (rs: SyncTargetResult[]) => Math.max(...rs.map((r) => (r.status === 'ok' ? r.otherCpuPercentOfCore : 0)));
        for (let attempt = 1; attempt <= opts.retries && noisy(results) > OTHER_CPU_WARN_PERCENT; attempt++) {
          log(`  ${group.join(' + ')}: other processes took ${fixed(noisy(results), 0)}% of a core during the window; measuring again`);
          const again = await measure(`r${attempt}`);
          if (again.every((r) => r.status === 'ok') && noisy(again) < noisy(results)) results = again;
        }
        for (const result of results) {
          if (result.status === 'failed') log(`  ${result.server} FAILED: ${result.error}`);
          for (const warning of result.warnings) log(`  ${result.server}: ${warning}`);
          if (opts.rounds > 1) result.round = round;
          entry.results.push(result);
        }
      }
    }
    const okOf = (server: TargetName) => entry.results.filter((r) => r.server === server && r.status === 'ok');
    const attnRuns = okOf('attn');
    const referenceRuns = okOf('reference');
    if (attnRuns.length > 0 && referenceRuns.length > 0) {
      const attn = medianResult(attnRuns);
      const reference = medianResult(referenceRuns);
      entry.ratio = {
        p50: attn.latencyMs.p50 / reference.latencyMs.p50,
        p99: attn.latencyMs.p99 / reference.latencyMs.p99,
        max: attn.latencyMs.max / reference.latencyMs.max,
        cpu: attn.serverCpuSeconds / reference.serverCpuSeconds,
        cpuPerEdit: attn.cpuPerEdit / reference.cpuPerEdit,
        peakRss: attn.serverPeakRssMb / reference.serverPeakRssMb,
      };
      if (opts.rounds > 1) {
        entry.roundRatios = [];
        for (let round = 1; round <= opts.rounds; round++) {
          const a = attnRuns.find((r) => r.round === round);
          const b = referenceRuns.find((r) => r.round === round);
          if (a && b) entry.roundRatios.push({ p99: a.latencyMs.p99 / b.latencyMs.p99, cpuPerEdit: cpuPerEditUs(a) / cpuPerEditUs(b) });
        }
        entry.pooled = poolRounds(attnRuns, referenceRuns, { paired: opts.paired });
      }
      const reasons: string[] = [];
      const ofMedians = opts.rounds > 1 ? ' (medians)' : '';
      if (attn.latencyMs.p99 > reference.latencyMs.p99) {
        reasons.push(`p99 ${fixed(attn.latencyMs.p99)} ms > reference ${fixed(reference.latencyMs.p99)} ms${ofMedians}`);
      }
      // Loss and stalls count in every round, not in the median.
      const lost = attnRuns.reduce((n, r) => n + Math.max(0, r.expected - r.delivered), 0);
      if (lost > 0) reasons.push(`lost ${lost} of ${attnRuns.reduce((n, r) => n + r.expected, 0)}`);
      if (entry.ratio.cpuPerEdit > GOAL_CPU_RATIO) reasons.push(`CPU per edit ${fixed(entry.ratio.cpuPerEdit, 2)}× the reference's${ofMedians} (goal ≤ ${GOAL_CPU_RATIO}×)`);
      const stall = Math.max(...attnRuns.map((r) => r.serverLoopDelayMaxMs));
      if (stall > SERVER_STALL_WARN_MS) {
        const split = attnRuns.find((r) => r.serverLoopDelayMaxMs === stall)?.serverStalls;
        reasons.push(`server stalled ${fixed(stall)} ms (goal ≤ ${SERVER_STALL_WARN_MS} ms${split ? `; that run: ${formatStalls(split)}` : ''})`);
      }
      entry.goal = { met: reasons.length === 0, reasons };
    }
    bench.configs.push(entry);
  }
}

// ---- report ------------------------------------------------------------------------

const HEADERS = ['config', 'server', 'p50 ms', 'p99 ms', 'max ms', 'delivered/expected', 'server CPU s', 'CPU µs/edit', 'loop p99/max ms', 'peak RSS MB'];
const ALIGN: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];

function tableRows(bench: SyncBenchResult): string[][] {
  const rows: string[][] = [];
  for (const entry of bench.configs) {
    for (const r of entry.results) {
      const server = r.round ? `${r.server} #${r.round}` : r.server;
      if (r.status !== 'ok') {
        rows.push([entry.label, server, r.status, '', '', '', '', '', '', '']);
        continue;
      }
      rows.push([
        entry.label,
        server,
        fixed(r.latencyMs.p50),
        fixed(r.latencyMs.p99),
        fixed(r.latencyMs.max),
        `${r.delivered}/${r.expected}` + (r.lateDelivered > 0 ? ` (+${r.lateDelivered} late)` : ''),
        fixed(r.serverCpuSeconds, 2),
        fixed(cpuPerEditUs(r), 0),
        `${fixed(r.serverLoopDelayP99Ms)}/${fixed(r.serverLoopDelayMaxMs)}`,
        fixed(r.serverPeakRssMb, 0),
      ]);
    }
    if (entry.ratio) {
      const x = (v: number) => `${fixed(v, 2)}×`;
      // Short here (the column is narrow); the reasons go in the notes under the table.
      const goal = entry.goal?.met ? 'goal met' : 'goal missed';
      rows.push([entry.label, entry.roundRatios ? 'attn/ref (medians)' : 'attn/reference', x(entry.ratio.p50), x(entry.ratio.p99), x(entry.ratio.max), goal, x(entry.ratio.cpu), x(entry.ratio.cpuPerEdit), '', x(entry.ratio.peakRss)]);
    }
  }
  return rows;
}

function notes(bench: SyncBenchResult): string[] {
  const lines = [
    `${bench.warmupMs / 1000} s unmeasured warm-up, then ${bench.seconds} s of measured writing per configuration and up to ${bench.drainMs / 1000} s drain; ` +
      `CPU is the server process's user+system time over that window; peak RSS is the kernel's VmHWM for the server's whole life.`,
    `host: ${bench.host.cpus} × ${bench.host.cpuModel}, Node ${bench.host.node}; the load generator (${bench.loadThreads} worker thread(s)${bench.paired ? ' per server' : ''}, stock y-websocket ` +
      `clients) and the server${bench.paired ? 's' : ''} share these cores. Latency is measured in the generator, so it includes generator delay for both servers.`,
    ...(bench.paired
      ? ['paired: in each round both servers were written to in the same window, each by its own load threads, so both met the same machine at the same instants (twice the load on it, so their latencies hold more of the generator\'s own delay: the CPU ratio holds to a few percent per round, the p99 ratio does not); generator CPU and other processes are the whole window\'s.']
      : []),
    bench.attnClients
      ? "attn's clients: connected as attn's own client does (the token as a WebSocket subprotocol), so each attn writer got acknowledgements (one frame every 1–2 s); the relay's clients connected as stock clients."
      : "attn's clients: stock y-websocket clients with the token in the URL, as the relay's; attn sends acknowledgements only to its own client (the attn subprotocol), so these got none (`--attn-clients` measures with them).",
    ...(bench.serverPriority
      ? [
          'server priority: each server ran at real-time priority (its threads at SCHED_FIFO 1, its main thread at 2), so the load generator could not take a core from it; the generator got what the server left, so its delay, which is in both servers\' latencies, grows with the server\'s CPU. ' +
            (bench.rtThrottling?.state === 'lifted'
              ? 'The kernel\'s real-time throttling was lifted for the run (sched_rt_runtime_us -1, put back after).'
              : bench.rtThrottling?.state === 'already off'
                ? 'The kernel\'s real-time throttling was already off (sched_rt_runtime_us -1).'
                : `The kernel's real-time throttling stayed on (${bench.rtThrottling?.reason}): a stall spent mostly waiting for a core may be the kernel's reserve for normal threads, not the server.`),
        ]
      : []),
    'Client frames per edit are counted on the load generator\'s sockets (approximate at window edges); a relay that echoes updates to their sender shows one extra update received.',
    ...bench.warnings,
  ];
  for (const entry of bench.configs) {
    if (entry.roundRatios) {
      const each = (pick: (x: { p99: number; cpuPerEdit: number }) => number) => entry.roundRatios!.map((x) => `${fixed(pick(x), 2)}×`).join(', ');
      lines.push(`${entry.label}: ratios are medians over ${entry.roundRatios.length} ${bench.paired ? 'paired' : 'alternating'} rounds; per round p99 ${each((x) => x.p99)}; CPU per edit ${each((x) => x.cpuPerEdit)}`);
      if (entry.pooled) lines.push(`${entry.label}: ${formatPooled(entry.pooled)}`);
    }
  }
  for (const entry of bench.configs) {
    if (entry.goal && !entry.goal.met) lines.push(`${entry.label}: goal missed (p99 no worse than the reference, CPU per edit ≤ 1.3×, no server stall over 50 ms, zero loss): ${entry.goal.reasons.join('; ')}`);
  }
  for (const entry of bench.configs) {
    for (const r of entry.results) {
      if (r.status === 'ok') {
        lines.push(
          `${entry.label} ${r.server}${r.round ? ` #${r.round}` : ''}: setup ${fixed(r.setupMs / 1000)} s, ramp-up ${fixed(r.connectMs / 1000)} s, ` +
            `generator loop delay p99 ${fixed(r.generatorLoopDelayP99Ms)} ms, generator CPU ${fixed(r.generatorCpuPercentOfCore, 0)}%, ` +
            `other processes ${fixed(r.otherCpuPercentOfCore, 0)}%` +
            `, server CPU per edit ${fixed(cpuPerEditUs(r), 0)} µs (main thread ${fixed((r.serverMainThreadCpuSeconds * 1e6) / Math.max(1, r.sent), 0)}, other threads ${fixed(((r.serverCpuSeconds - r.serverMainThreadCpuSeconds) * 1e6) / Math.max(1, r.sent), 0)})` +
            (r.storeBytes !== undefined ? `, store ${fixed(r.storeBytes / 2 ** 20)} MB` : '') +
            (r.serverGc ? `, server GC ${formatGc(r.serverGc)}` : '') +
            (r.serverHeapMb !== undefined ? `, heap in use ${fixed(r.serverHeapMb)} MB` : '') +
            (r.serverStalls ? `, ${formatStalls(r.serverStalls)}` : '') +
            (r.tail ? `, ${formatTail(r.tail)}` : '') +
            `; client frames per edit: received ${formatFrames(r.clientFramesPerEdit.received)}, sent ${formatFrames(r.clientFramesPerEdit.sent)}`,
        );
      } else {
        lines.push(`${entry.label} ${r.server}: ${r.status} — ${(r.error ?? '').split('\n')[0]}`);
      }
      for (const w of r.warnings) lines.push(`${entry.label} ${r.server}: ${w.split('\n')[0]}`);
    }
  }
  return lines;
}

export function formatSyncText(bench: SyncBenchResult): string {
  return [textTable(HEADERS, tableRows(bench), ALIGN), '', ...notes(bench).map((n) => `- ${n}`)].join('\n');
}

export function formatSyncMarkdown(bench: SyncBenchResult): string {
  return [
    '### Sync: attn vs @y/websocket-server@0.1.1 (reference relay)',
    '',
    markdownTable(HEADERS, tableRows(bench), ALIGN),
    '',
    ...notes(bench).map((n) => `- ${n}`),
  ].join('\n');
}

// ---- helpers -------------------------------------------------------------------------

function emptyResult(server: TargetName): SyncTargetResult {
  return {
    server,
    status: 'ok',
    setupMs: 0,
    connectMs: 0,
    windowStartEpochMs: 0,
    windowMs: 0,
    drainMs: 0,
    sent: 0,
    expected: 0,
    delivered: 0,
    lateDelivered: 0,
    roomsWithLoss: 0,
    latencyMs: { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN },
    serverCpuSeconds: Number.NaN,
    serverMainThreadCpuSeconds: Number.NaN,
    serverCpuPercentOfCore: Number.NaN,
    serverPeakRssMb: Number.NaN,
    serverEndRssMb: Number.NaN,
    generatorCpuPercentOfCore: Number.NaN,
    generatorLoopDelayP99Ms: Number.NaN,
    generatorLoopDelayMaxMs: Number.NaN,
    serverLoopDelayP99Ms: Number.NaN,
    serverLoopDelayMaxMs: Number.NaN,
    otherCpuPercentOfCore: Number.NaN,
    clientFramesPerEdit: { received: {}, sent: {} },
    reconnects: 0,
    closeCodes: {},
    connectionErrors: {},
    warnings: [],
  };
}

interface LoopReport {
  generation: number;
  p99Ms: number;
  maxMs: number;
  gc?: ServerGc;
  heapMb?: number;
  stalls?: StallReport;
}

export interface ServerGc {
  count: number;
  totalMs: number;
  maxMs: number;
  /** absent from results written before full collections were counted apart */
  major?: {
    count: number;
    totalMs: number;
    /** when each began (epoch ms; absent from results written before session 13) */
    at?: number[];
  };
}

/** e.g. "26 pauses, 105 ms in all (3 full: 31 ms), longest 10.1 ms" */
export function formatGc(gc: ServerGc): string {
  const full = gc.major ? ` (${gc.major.count} full: ${fixed(gc.major.totalMs, 0)} ms)` : '';
  return `${gc.count} pauses, ${fixed(gc.totalMs, 0)} ms in all${full}, longest ${fixed(gc.maxMs)} ms`;
}

/**
 * "slowest 1%: 600 deliveries in 41 stretches of 100 ms, 146 of them in the busiest (20.8 s in);
 * 262 in flight around one of the server's 3 full GCs"
 */
export function formatTail(t: TailReport): string {
  return (
    `slowest 1%: ${t.count} deliveries in ${t.stretches} stretches of 100 ms, ${t.busiest.count} of them in the busiest (${fixed(t.busiest.atMs / 1000)} s in); ` +
    (t.events === 0 ? 'no server full GC in the window' : `${t.nearEvents} in flight around ${t.events === 1 ? "the server's one full GC" : `one of the server's ${t.events} full GCs`}`)
  );
}

/** Stalls over 50 ms in the window (loopProbe.mjs): wall time, and how much of it the main thread was on a CPU or waiting for one. */
export interface StallReport {
  count: number;
  wallMs: number;
  cpuMs: number;
  waitMs: number;
  worst: { wallMs: number; cpuMs: number; waitMs: number } | null;
}

/**
 * Asks the server's loop probe for the delay since its last report and waits for it (the probe
 * answers from the server's event loop, so a stalled server answers late, never wrongly).
 */
export async function readServerLoop(server: ServerProcess, file: string, after: number): Promise<LoopReport | undefined> {
  if (server.hasExited) return undefined;
  process.kill(server.pid, 'SIGUSR2');
  const deadline = performance.now() + LOOP_PROBE_TIMEOUT_MS;
  while (performance.now() < deadline) {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8')) as LoopReport;
      if (report.generation > after) return report;
    } catch {
      // not written yet, or caught mid-write
    }
    await sleep(20);
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * "3 stalls over 50 ms (410 ms: 120 on a CPU, 270 waiting for one; longest 180 ms: 40 on a CPU, 130
 * waiting for one)": a stall spent waiting for a core is the machine's (the load generator shares
 * it), not the server's work.
 */
export function formatStalls(s: StallReport): string {
  if (s.count === 0) return 'no stall over 50 ms';
  const split = (x: { wallMs: number; cpuMs: number; waitMs: number }) => `${fixed(x.wallMs, 0)} ms: ${fixed(x.cpuMs, 0)} on a CPU, ${fixed(x.waitMs, 0)} waiting for one`;
  return `${s.count} stall${s.count === 1 ? '' : 's'} over 50 ms (${split(s)}${s.worst && s.count > 1 ? `; longest ${split(s.worst)}` : ''})`;
}

function formatFrames(perEdit: Record<string, number>): string {
  const parts = Object.entries(perEdit).map(([kind, n]) => `${fixed(n, 2)} ${kind}`);
  return parts.length === 0 ? 'none' : parts.join(' + ');
}

function formatCounts(map: Map<string, number>): string {
  return map.size === 0 ? 'none' : [...map].map(([k, n]) => `${k} ×${n}`).join(', ');
}

export async function mapConcurrent<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : statSync(full).size;
  }
  return total;
}

/**
 * "pooled over 5 rounds: p99 9.9 / 8.8 ms = 1.13× (resampling rounds, 90% of ratios in
 * 0.84–1.41×: it holds 1: the rounds do not settle it)".
 */
export function formatPooled(p: PooledP99): string {
  const verdict = p.high <= 1 ? 'attn at or below the reference across it' : p.low > 1 ? 'attn above the reference across it' : 'it holds 1: the rounds do not settle it';
  return `pooled over ${p.rounds} rounds: p99 ${fixed(p.attnMs)} / ${fixed(p.referenceMs)} ms = ${fixed(p.ratio, 2)}× (resampling ${p.paired ? 'paired rounds' : 'rounds'}, 90% of ratios in ${fixed(p.low, 2)}–${fixed(p.high, 2)}×: ${verdict})`;
}
