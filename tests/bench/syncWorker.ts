/**
 * One shard of the sync bench's load generator, run in a worker thread.
 *
 * Why threads: thousands of stock y-websocket clients in one event loop kept that loop ~85%
 * busy at 200×3 @ 5/s, with loop delays of 30–120 ms that landed in the latency of both servers
 * alike and hid the difference the bench exists to show. Rooms are sharded whole, so an edit's
 * sender and all its receivers share one thread and one performance.now() clock; only start and
 * stop are coordinated across threads, by wall-clock epoch milliseconds.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { boardCode, boardElements, type StoredElement } from '../../shared/doc.js';
import { AuthMessage, MessageType } from '../../shared/protocol.js';
import type { SyncConfig } from './sync.js';
import { Samples, seededRandom } from './stats.js';

/** Where one client connects, in WebsocketProvider's (serverUrl, roomname, params, protocols) terms. */
export interface ClientEndpoint {
  serverUrl: string;
  roomname: string;
  params: Record<string, string>;
  /** WebSocket subprotocols to offer (attn's client offers its token as one; see `attnClients`) */
  protocols?: string[];
}

export interface ShardInit {
  kind: 'sync-shard';
  shard: number;
  config: SyncConfig;
  /** rooms[r][i]: endpoint of client i of this shard's r-th room */
  rooms: ClientEndpoint[][];
  /** index of this shard's first room in the whole run, for unique writer ids */
  roomOffset: number;
  connectBatch: number;
  connectTimeoutMs: number;
  seed: number;
  /**
   * The crash bench: remember the key of every edit a client receives from a peer, measured or
   * not, so the coordinator can look for each one in the store after a kill -9 and restart.
   */
  recordReceived?: boolean;
}

export type ToShard =
  | {
      type: 'start';
      /** writers begin here, unmeasured, so JIT warm-up of both sides is not in the figures */
      startAtEpochMs: number;
      /** measurement begins here; only edits sent from then on count */
      measureFromEpochMs: number;
      seconds: number;
      drainMs: number;
      /** when deliveries are still missing after the drain, keep waiting this long to tell late from lost */
      lateGraceMs: number;
    }
  /** stop writing (the crash bench, just before it kills the server) */
  | { type: 'halt' }
  /** stop writing and send what each room's clients received from peers ('received') */
  | { type: 'report' }
  | { type: 'close' };

export interface ShardResult {
  /** every delivery in the order it arrived: its latency (ms) and when its edit was sent (epoch ms); the buffers are transferred, not copied */
  timeline: { latencyMs: Float64Array; sentAt: Float64Array };
  sent: number;
  delivered: number;
  expected: number;
  roomsWithLoss: number;
  reconnects: number;
  closeCodes: Record<string, number>;
  connectionErrors: Record<string, number>;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** frames received / sent by this thread's clients during the measured window, by FRAME_KINDS */
  framesReceived: number[];
  framesSent: number[];
  /** deliveries that arrived after the drain, within the late grace period */
  lateDelivered: number;
  writeEndEpochMs: number;
  endEpochMs: number;
}

export type FromShard =
  | { type: 'ready'; connectMs: number }
  | { type: 'failed'; error: string }
  /** the drain is over (all delivered, or drainMs passed); 'done' follows after any late grace */
  | { type: 'drained' }
  | ({ type: 'done' } & ShardResult)
  | { type: 'closed' }
  /** per room of this shard, by its index in the whole run: edit keys any of its clients received from a peer */
  | { type: 'received'; rooms: Array<[number, string[]]>; sent: number };

const DRAIN_POLL_MS = 50;
const LOOP_DELAY_RESOLUTION_MS = 10;
/** Bench-only element field: the writer's performance.now() when it made the edit. */
const SENT_AT_FIELD = 'benchSentAtMs';
const CODE_CHARS = '0123456789abcdef'.split('');

/** Frame kinds as counted on the clients' sockets (first bytes of a y-websocket frame). */
export const FRAME_KINDS = ['sync step 1', 'sync step 2', 'update', 'awareness', 'acknowledgement', 'other'] as const;
const FRAME_OTHER = FRAME_KINDS.length - 1;

/**
 * Frames each way on every client socket of this thread, by kind, while `counting`. This shows
 * what a server costs its clients per edit (e.g. extra acknowledgements), which latency alone
 * does not.
 */
const frames = {
  /** performance.now() from which frames count: the same instant edits start counting */
  from: Number.POSITIVE_INFINITY,
  stopped: false,
  received: new Float64Array(FRAME_KINDS.length),
  sent: new Float64Array(FRAME_KINDS.length),
};

// Compared against the clock, not a flag flipped by a timer, so that a busy loop firing the
// timer late cannot shift the frame window relative to the edit window.
function countingFrames(): boolean {
  return !frames.stopped && performance.now() >= frames.from;
}

function frameKind(data: unknown): number {
  let b0: number | undefined;
  let b1: number | undefined;
  if (data instanceof ArrayBuffer) {
    const view = new Uint8Array(data, 0, Math.min(2, data.byteLength));
    b0 = view[0];
    b1 = view[1];
  } else if (data instanceof Uint8Array) {
    b0 = data[0];
    b1 = data[1];
  }
  if (b0 === MessageType.Sync && b1 !== undefined && b1 <= 2) return b1; // step 1, step 2, update
  if (b0 === MessageType.Awareness) return 3;
  if (b0 === MessageType.Auth && b1 === AuthMessage.Stored) return 4; // attn's acknowledgement
  return FRAME_OTHER;
}

/**
 * Masks every frame a bench client sends with the key 0, which `ws` then skips applying.
 *
 * RFC 6455 has a client mask with a fresh random key so that a browser page cannot choose the
 * bytes a proxy between it and the server sees; the generator is no browser and talks to
 * loopback, and a server unmasks any key the same way, so neither server can tell. Drawing the
 * key (`randomFillSync`, 2% of a shard thread's profile at 1000×2) and XOR-ing each payload were
 * the instrument's work, landing in both servers' latencies.
 */
function zeroMask(mask: Uint8Array): void {
  mask.fill(0);
}

/**
 * The one WebSocket class every provider uses: `ws`, plus frame counting. The provider sets
 * binaryType and onmessage itself; an extra 'message' listener and a wrapped send() see every
 * frame without touching y-websocket.
 */
export class CountingWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { generateMask: zeroMask });
    this.on('message', (data) => {
      if (countingFrames()) frames.received[frameKind(data)]!++;
    });
    const send = this.send.bind(this) as (data: unknown, ...rest: unknown[]) => void;
    this.send = ((data: unknown, ...rest: unknown[]) => {
      if (countingFrames()) frames.sent[frameKind(data)]!++;
      send(data, ...rest);
    }) as WebSocket['send'];
  }
}
// The y-websocket typings want the DOM constructor.
const WebSocketPolyfill = CountingWebSocket as unknown as typeof globalThis.WebSocket;

/** Wall-clock ms, comparable across threads (each thread's performance.now() has its own origin). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

interface RoomTally {
  sent: number;
  delivered: number;
  /** with ShardInit.recordReceived: every edit key a client of this room received from a peer */
  received?: Set<string>;
  /** every edit this room's writers made, warm-up included (the crash bench's sent log) */
  made: number;
}

interface BenchClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  elements: Y.Map<StoredElement>;
  code: Y.Text;
  room: RoomTally;
  /** position within its room; the first W clients write */
  index: number;
  writerId: string;
  seq: number;
  timer: NodeJS.Timeout | undefined;
}

/** Counters shared by every client of the shard; plain fields so the hot path only increments. */
interface ShardState {
  /** edits sent before this performance.now() are warm-up: neither sent nor delivered counts */
  measureFrom: number;
  samples: Samples;
  /** when each sample's edit was sent, epoch ms, in the samples' order */
  sentAt: Samples;
  sent: number;
  delivered: number;
  measuring: boolean;
  reconnects: number;
  closeCodes: Map<string, number>;
  connectionErrors: Map<string, number>;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function createClient(endpoint: ClientEndpoint, room: RoomTally, index: number, writerId: string, state: ShardState): BenchClient {
  const doc = new Y.Doc();
  const elements = boardElements(doc);
  const code = boardCode(doc);
  const provider = new WebsocketProvider(endpoint.serverUrl, endpoint.roomname, doc, {
    WebSocketPolyfill,
    params: endpoint.params,
    ...(endpoint.protocols ? { protocols: endpoint.protocols } : {}),
    disableBc: true,
  });
  const client: BenchClient = { doc, provider, elements, code, room, index, writerId, seq: 0, timer: undefined };

  elements.observe((event, tr) => {
    if (tr.local) return;
    const now = performance.now();
    if (room.received) for (const key of event.keysChanged) room.received.add(key);
    for (const key of event.keysChanged) {
      const sentAt = elements.get(key)?.[SENT_AT_FIELD];
      if (typeof sentAt !== 'number' || sentAt < state.measureFrom) continue;
      state.samples.push(now - sentAt);
      state.sentAt.push(performance.timeOrigin + sentAt);
      state.delivered++;
      room.delivered++;
    }
  });
  provider.on('connection-close', (event) => {
    if (!state.measuring) return;
    state.reconnects++;
    bump(state.closeCodes, event ? String(event.code) : 'local (no message for 30 s)');
  });
  provider.on('closed', (event) => bump(state.closeCodes, `${event.code} fatal: ${event.reason}`));
  provider.on('connection-error', (event) => {
    const message = (event as unknown as { message?: string }).message ?? 'error';
    bump(state.connectionErrors, message);
  });
  return client;
}

/**
 * One edit as a canvas user makes it: a new element in `elements` plus a keystroke in the code
 * pad, in one transaction (so one update on the wire). The element key is `${writer}:${seq}`,
 * unique per edit, so a receiver can never confuse two edits, and it carries its send time.
 *
 * The element has the fields StoredElement names plus geometry, not all ~27 Excalidraw fields:
 * a full element costs the generator about 3x the Yjs encode/decode work and garbage for every
 * one of thousands of edits a second, time that lands in the latency of both servers alike.
 */
function makeEdit(client: BenchClient, state: ShardState): void {
  const seq = client.seq++;
  const sentAt = performance.now();
  const id = `${client.writerId}:${seq}`;
  const element: StoredElement = {
    id,
    type: 'rectangle',
    x: (seq % 40) * 25,
    y: Math.floor(seq / 40) * 25,
    width: 120,
    height: 80,
    // Opaque to the server; not a canonical fractional index, which the bench never sorts by.
    index: `a${seq.toString(36)}`,
    version: 1,
    versionNonce: seq,
    isDeleted: false,
    [SENT_AT_FIELD]: sentAt,
  };
  client.doc.transact(() => {
    client.elements.set(id, element);
    client.code.insert(client.code.length, CODE_CHARS[seq & 15]!);
  });
  client.room.made++;
  if (sentAt >= state.measureFrom) {
    state.sent++;
    client.room.sent++;
  }
}

function waitSynced(client: BenchClient, timeoutMs: number): Promise<boolean> {
  if (client.provider.synced) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.provider.off('sync', onSync);
      client.provider.off('closed', onClosed);
      resolve(ok);
    };
    const onSync = (synced: boolean) => synced && done(true);
    const onClosed = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.provider.on('sync', onSync);
    client.provider.on('closed', onClosed);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatCounts(map: Map<string, number>): string {
  return map.size === 0 ? 'none' : [...map].map(([k, n]) => `${k} ×${n}`).join(', ');
}

async function runShard(port: MessagePort, init: ShardInit): Promise<void> {
  const post = (message: FromShard, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  // Every WebsocketProvider adds a process 'exit' listener (to clear its awareness state);
  // thousands of them are expected here, not a leak.
  process.setMaxListeners(0);

  const { config } = init;
  const receiversPerEdit = config.clients - 1;
  const state: ShardState = {
    measureFrom: Number.POSITIVE_INFINITY,
    samples: new Samples(),
    sentAt: new Samples(),
    sent: 0,
    delivered: 0,
    measuring: false,
    reconnects: 0,
    closeCodes: new Map(),
    connectionErrors: new Map(),
  };
  const tallies = init.rooms.map((): RoomTally => ({ sent: 0, delivered: 0, made: 0, received: init.recordReceived ? new Set() : undefined }));
  const clients: BenchClient[] = [];

  port.on('message', (message: ToShard) => {
    if (message.type === 'start') void measure(message);
    if (message.type === 'halt' || message.type === 'report') for (const client of clients) clearTimeout(client.timer);
    if (message.type === 'report') {
      post({
        type: 'received',
        rooms: tallies.map((t, r) => [init.roomOffset + r, [...(t.received ?? [])]]),
        sent: tallies.reduce((n, t) => n + t.made, 0),
      });
    }
    if (message.type === 'close') {
      for (const client of clients) {
        clearTimeout(client.timer);
        client.provider.destroy();
        client.doc.destroy();
      }
      post({ type: 'closed' });
    }
  });

  // Ramp-up in batches: thousands of simultaneous handshakes would measure the accept queue,
  // not sync. The coordinator starts the clock only once every shard reports every client synced.
  const connectStart = performance.now();
  const total = init.rooms.length * config.clients;
  for (let first = 0; first < total; first += init.connectBatch) {
    const batch: BenchClient[] = [];
    for (let k = first; k < Math.min(total, first + init.connectBatch); k++) {
      const r = Math.floor(k / config.clients);
      const i = k % config.clients;
      batch.push(createClient(init.rooms[r]![i]!, tallies[r]!, i, `w${init.roomOffset + r}.${i}`, state));
    }
    clients.push(...batch);
    const synced = await Promise.all(batch.map((c) => waitSynced(c, init.connectTimeoutMs)));
    const failed = synced.filter((ok) => !ok).length;
    if (failed > 0) {
      post({
        type: 'failed',
        error:
          `${failed} of ${batch.length} clients never synced within ${init.connectTimeoutMs} ms ` +
          `(close codes: ${formatCounts(state.closeCodes)}; connection errors: ${formatCounts(state.connectionErrors)})`,
      });
      return;
    }
  }
  post({ type: 'ready', connectMs: performance.now() - connectStart });

  async function measure(start: Extract<ToShard, { type: 'start' }>): Promise<void> {
    // Convert the shared epoch instants into this thread's performance.now() clock.
    const offset = performance.now() - epochNow();
    const t0 = start.startAtEpochMs + offset;
    state.measureFrom = start.measureFromEpochMs + offset;
    frames.from = state.measureFrom;
    const stopAt = state.measureFrom + start.seconds * 1000;
    const periodMs = 1000 / config.editsPerSec;
    const random = seededRandom(init.seed + init.shard);
    const loop = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    state.measuring = true;
    const resetLoop = setTimeout(() => {
      loop.reset();
      loop.enable();
    }, state.measureFrom - performance.now());
    // Each writer starts at a random phase within one period so 2,000 writers do not all fire
    // in the same millisecond; then a fixed-rate interval (Node keeps same-duration timers in
    // one list, so this scales). The seed gives both servers the same phases.
    for (const client of clients) {
      if (client.index >= config.writers) continue;
      const tick = () => {
        if (performance.now() < stopAt) makeEdit(client, state);
      };
      client.timer = setTimeout(
        () => {
          tick();
          client.timer = setInterval(tick, periodMs);
        },
        Math.max(0, t0 - performance.now()) + random() * periodMs,
      );
    }
    await sleep(Math.max(0, stopAt - performance.now()));
    for (const client of clients) clearTimeout(client.timer);
    const writeEndEpochMs = epochNow();
    const writeEnd = performance.now();
    while (state.delivered < state.sent * receiversPerEdit && performance.now() - writeEnd < start.drainMs) {
      await sleep(DRAIN_POLL_MS);
    }
    const endEpochMs = epochNow();
    clearTimeout(resetLoop);
    loop.disable();
    frames.stopped = true;
    post({ type: 'drained' });
    // Late is not lost: keep listening a while so the report can say which it was.
    const deliveredInDrain = state.delivered;
    const lateStart = performance.now();
    while (state.delivered < state.sent * receiversPerEdit && performance.now() - lateStart < start.lateGraceMs) {
      await sleep(DRAIN_POLL_MS);
    }
    state.measuring = false;

    const timeline = { latencyMs: state.samples.inOrder(), sentAt: state.sentAt.inOrder() };
    post(
      {
        type: 'done',
        timeline,
        sent: state.sent,
        delivered: deliveredInDrain,
        lateDelivered: state.delivered - deliveredInDrain,
        framesReceived: [...frames.received],
        framesSent: [...frames.sent],
        expected: state.sent * receiversPerEdit,
        roomsWithLoss: tallies.filter((t) => t.delivered < t.sent * receiversPerEdit).length,
        reconnects: state.reconnects,
        closeCodes: Object.fromEntries(state.closeCodes),
        connectionErrors: Object.fromEntries(state.connectionErrors),
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
        writeEndEpochMs,
        endEpochMs,
      },
      [timeline.latencyMs.buffer as ArrayBuffer, timeline.sentAt.buffer as ArrayBuffer],
    );
  }
}

if (parentPort !== null && (workerData as Partial<ShardInit> | undefined)?.kind === 'sync-shard') {
  void runShard(parentPort, workerData as ShardInit);
}
