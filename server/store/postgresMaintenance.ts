/**
 * The Postgres store's work on whole documents, on a thread of its own with its own connections:
 * document loads (a long log tail folded into one snapshot there) and snapshot builds from the
 * log. What SQLite's maintenance thread does for the embedded store (sqliteWriter.ts).
 *
 * Why: on the main thread, the driver's parse of a 50,000-row tail and applying each row held
 * every room on the instance: the join bench's cold load of such a board on Postgres kept the
 * server's event loop busy 209–246 ms (this file's first measurement, README "Join"). And with no
 * `snapshotFromLog`, LiveDoc encoded every snapshot of every doc on the main thread (39 ms for a
 * 12 MB board in the abuse bench). Here the thread reads only the bytes, folds them, stores the
 * snapshot itself, and hands the main thread one update to apply (or nothing, for a build).
 *
 * The thread runs from source text (`eval`), so it needs no loader (tsx in dev and tests, dist/
 * in production), and imports pg and yjs from the paths the main thread resolved. If it dies, the
 * next request starts a new one; PostgresStore falls back to its own reads meanwhile.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ENCODE_FOLDED_SOURCE, FOLD_TAIL_ROWS, type LoadedRows } from './fold.js';

/** Connections the thread holds at most: a load and a build can run at once, no more. */
const MAINTENANCE_CONNECTIONS = 2;

const MAINTENANCE_SOURCE = `
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const pg = (await import(workerData.pg)).default;
const Y = await import(workerData.yjs);
const INT8_OID = 20;
const pool = new pg.Pool({
  connectionString: workerData.url,
  max: workerData.connections,
  connectionTimeoutMillis: workerData.connectionTimeoutMs,
  application_name: 'attn-maintenance',
  // BIGINT columns (seqs, ms timestamps, counts) as numbers, as the main pool reads them.
  types: { getTypeParser: (oid, format) => (oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format)) },
});
// An idle connection's error (database restarted) must not end the thread: the pool drops it.
pool.on('error', () => {});
const SNAPSHOT_AS_OF = 'SELECT seq, ts, bytes FROM snapshots WHERE room_id = $1 AND doc = $2 AND seq <= $3 ORDER BY seq DESC LIMIT 1';
const SPAN = 'SELECT COUNT(*) AS n, MAX(seq) AS last FROM updates WHERE room_id = $1 AND doc = $2 AND seq > $3 AND seq <= $4';
const LAST_TS = 'SELECT ts FROM updates WHERE room_id = $1 AND doc = $2 AND seq = $3';
// Only the bytes, as arrays: what a fold needs, without an object and four strings per row.
const BYTES = 'SELECT bytes FROM updates WHERE room_id = $1 AND doc = $2 AND seq > $3 AND seq <= $4 ORDER BY seq';
const ROWS = 'SELECT room_id, doc, seq, ts, author_role, author_name, bytes FROM updates WHERE room_id = $1 AND doc = $2 AND seq > $3 ORDER BY seq';
const PUT_SNAPSHOT = 'INSERT INTO snapshots (room_id, doc, seq, ts, bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (room_id, doc, seq) DO UPDATE SET ts = EXCLUDED.ts, bytes = EXCLUDED.bytes';
${ENCODE_FOLDED_SOURCE}
// A doc as of seq: its latest snapshot at or before seq and, when the log after it up to seq is
// whole (no gap) and has at least minRows rows, those rows' bytes. No transaction is needed for
// one view: rows and snapshots are only ever inserted, and every read is bounded by the seq
// the span found, so appends landing meanwhile are simply not part of it.
async function readFoldable(c, roomId, doc, seq, minRows) {
  const snapshot = (await c.query(SNAPSHOT_AS_OF, [roomId, doc, seq])).rows[0] ?? null;
  const from = snapshot ? snapshot.seq : 0;
  const { n, last } = (await c.query(SPAN, [roomId, doc, from, seq])).rows[0];
  const end = foldEnd(from, n, last, minRows);
  if (end < 0) return { snapshot, from, updates: null };
  const ts = end > from ? (await c.query(LAST_TS, [roomId, doc, end])).rows[0].ts : snapshot ? snapshot.ts : 0;
  // Text results, bytea as hex: pg 8.23's binary mode hands bytea over as a string (lossy).
  const rows = (await c.query({ text: BYTES, values: [roomId, doc, from, end], rowMode: 'array' })).rows;
  return { snapshot, from, last: end, ts, updates: rows.map((r) => r[0]) };
}
async function withClient(fn) {
  const c = await pool.connect();
  try {
    return await fn(c);
  } finally {
    c.release();
  }
}
// A load: a tail of at least foldRows rows, whole and leaving nothing pending, comes back folded
// into one snapshot at its last seq, which is stored too (after the answer: the joiner does not
// wait for it; a failed store costs only that, the log holds every row); any other as the rows.
async function load(id, roomId, doc) {
  await withClient(async (c) => {
    const read = await readFoldable(c, roomId, doc, Number.MAX_SAFE_INTEGER, workerData.foldRows);
    const bytes = read.updates && encodeFolded(Y, roomId, doc, read.snapshot && read.snapshot.bytes, read.updates);
    if (bytes) {
      const stored = Buffer.from(bytes);
      parentPort.postMessage({ id, loaded: { snapshot: { seq: read.last, ts: read.ts, bytes }, tail: [], folded: read.updates.length } }, [bytes.buffer]);
      await c.query(PUT_SNAPSHOT, [roomId, doc, read.last, read.ts, stored]).catch(() => {});
      return;
    }
    // pg's Buffers may share a pooled slab: cloned, never transferred.
    const tail = (await c.query(ROWS, [roomId, doc, read.from])).rows;
    parentPort.postMessage({ id, loaded: { snapshot: read.snapshot, tail } });
  });
}
async function build(id, roomId, doc, seq, ts) {
  await withClient(async (c) => {
    const read = await readFoldable(c, roomId, doc, seq, 0);
    if (read.snapshot && read.snapshot.seq === seq) return;
    await c.query(PUT_SNAPSHOT, [roomId, doc, seq, ts, buildFolded(Y, roomId, doc, read, seq)]);
  });
  parentPort.postMessage({ id });
}
const running = new Set();
// Ready once a connection is open: the first load after a restart pays neither (see ready).
pool.query('SELECT 1').then(() => parentPort.postMessage({ ready: true }), (err) => parentPort.postMessage({ ready: false, error: String((err && err.message) || err) }));
parentPort.on('message', (msg) => {
  if (msg === 'close') {
    Promise.allSettled(running).then(() => pool.end()).finally(() => parentPort.close());
    return;
  }
  const work = (msg.kind === 'load' ? load(msg.id, msg.roomId, msg.doc) : build(msg.id, msg.roomId, msg.doc, msg.seq, msg.ts))
    .catch((err) => parentPort.postMessage({ id: msg.id, error: String((err && err.message) || err) }))
    .finally(() => running.delete(work));
  running.add(work);
});
})();
`;

interface Asked {
  resolve: (answer: { loaded?: LoadedRows }) => void;
  reject: (e: Error) => void;
}

export class PostgresMaintenance {
  private worker: Worker | null = null;
  private readonly asked = new Map<number, Asked>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  /**
   * Settles when the first thread has imported what it runs and opened a connection (rejects if
   * it could not). The store waits for it at connect: started by the first request, the thread's
   * start-up was in the first join after a restart, cold from a snapshot 50 → 127–154 ms.
   */
  readonly ready: Promise<void>;
  private markReady: ((error?: string) => void) | null = null;

  /** `url` names the schema (its search_path), as the store's own pool's does. The thread starts now. */
  constructor(
    private readonly url: string,
    private readonly connectionTimeoutMs: number,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = (error) => (error === undefined ? resolve() : reject(new Error(error)));
    });
    // Handled here too, so a failed start is never an unhandled rejection, awaited or not.
    this.ready.catch(() => undefined);
    this.worker = this.spawn();
  }

  /** The doc's latest snapshot and the log after it; a long tail comes back folded (see FOLD_TAIL_ROWS) and is stored so. */
  async loadDoc(roomId: string, doc: string): Promise<LoadedRows> {
    return (await this.ask({ kind: 'load', roomId, doc })).loaded!;
  }

  /** Stores the doc as of `seq` (latest snapshot at or before it plus the log up to it); rejects on a gap or pending structs. */
  async buildSnapshot(roomId: string, doc: string, seq: number, ts: number): Promise<void> {
    await this.ask({ kind: 'build', roomId, doc, seq, ts });
  }

  private ask(request: { kind: 'load' | 'build'; roomId: string; doc: string; seq?: number; ts?: number }): Promise<{ loaded?: LoadedRows }> {
    if (this.closing) return Promise.reject(new Error('store is closed'));
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.asked.size === 0) worker.ref();
      this.asked.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    });
  }

  private spawn(): Worker {
    const resolve = createRequire(import.meta.url).resolve;
    const worker = new Worker(MAINTENANCE_SOURCE, {
      eval: true,
      workerData: {
        url: this.url,
        pg: pathToFileURL(resolve('pg')).href,
        yjs: pathToFileURL(resolve('yjs')).href,
        connections: MAINTENANCE_CONNECTIONS,
        connectionTimeoutMs: this.connectionTimeoutMs,
        foldRows: FOLD_TAIL_ROWS,
      },
    });
    worker.on('message', ({ id, error, loaded, ready }: { id: number; error?: string; loaded?: LoadedRows; ready?: boolean }) => {
      if (ready !== undefined) {
        this.markReady?.(ready ? undefined : error);
        this.markReady = null;
        if (this.asked.size === 0) worker.unref();
        return;
      }
      const a = this.asked.get(id);
      if (!a) return;
      this.asked.delete(id);
      if (this.asked.size === 0) worker.unref();
      if (error === undefined) a.resolve({ loaded });
      else a.reject(new Error(error));
    });
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.markReady?.('the store maintenance thread exited');
      this.markReady = null;
      for (const a of this.asked.values()) a.reject(new Error('the store maintenance thread exited'));
      this.asked.clear();
    });
    // Referenced until it is ready (or the store's connect could be left waiting in a process with
    // nothing else alive); idle after that, it never keeps the process alive: `ask` refs it while a
    // request is pending.
    return worker;
  }

  /** Lets requests in flight finish, then closes the thread's connections and stops it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    })();
    return this.closing;
  }
}
