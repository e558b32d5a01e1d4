/**
 * The embedded store's hot writes (update log, snapshots, presence events) on a second thread,
 * with group commit. In journal mode (the default) the update log arrives here as batches already
 * durable in a journal segment: this thread reads each batch's records back from the segment and
 * deletes the segment once its last batch is committed (updateJournal.ts); in thread mode as one
 * append per update, as described below.
 *
 * Why: on the main thread, a commit per update was cheap on average (~25 µs) but SQLite's WAL
 * checkpoints run inside whichever commit crosses the threshold, and those stalled the event loop
 * for 100–300 ms at 1000 rooms (issue 15): every room's relay waited on them. Here the main thread
 * only decodes, checks and relays; this thread owns its own connection, commits whatever arrived
 * since its last commit as one transaction; a third thread runs the checkpoints, document loads
 * and snapshot builds (see CHECKPOINTER_SOURCE). Each append is acknowledged
 * after the transaction that holds it commits, so "persist before relay" is unchanged: LiveDoc
 * relays an update only once its promise resolves.
 *
 * Group commit on the main thread was measured before and rejected (it made each update wait for
 * the rest of the event-loop turn). On its own thread the batch is simply what queued while the
 * previous commit ran: one update alone is committed at once.
 *
 * The worker runs from source text (`eval`), so it needs no loader: it runs the same under tsx
 * (dev, tests) as from dist/, and it imports better-sqlite3 from the path the main thread resolved.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NewUpdate, PresenceEvent, SnapshotRecord } from './port.js';
import { RECORD_DECODER_SOURCE, type JournalBatch } from './updateJournal.js';
import { TurnBatch } from './turnBatch.js';
import { ENCODE_FOLDED_SOURCE, FOLD_TAIL_ROWS, type LoadedRows } from './fold.js';

export type WriteOp =
  | { op: 'append'; u: NewUpdate }
  /** a journal batch (see updateJournal.ts), read back from its segment; the segment's last batch deletes its file */
  | ({ op: 'batch' } & JournalBatch)
  | { op: 'snapshot'; s: SnapshotRecord }
  | { op: 'event'; e: PresenceEvent };

interface Request {
  id: number;
  w: WriteOp;
  /** the caller gives up the op's bytes: they are moved to the thread as they are, not copied */
  handOver?: boolean;
}

interface Reply {
  id: number;
  /** the seq for an append; null for the others */
  value?: number | null;
  error?: string;
}

/** What one thread does: open, then per batch one transaction, falling back to one per op. */
const WORKER_SOURCE = `
(async () => {
// import(), not require: eval code runs as a module where the process runs eval as one (--input-type).
const { parentPort, workerData } = await import('node:worker_threads');
const { closeSync, openSync, readSync, unlinkSync } = await import('node:fs');
const { crc32 } = await import('node:zlib');
const decodeRecords = ${RECORD_DECODER_SOURCE};
const Database = (await import(workerData.driver)).default;
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// No checkpoints on this connection (nor on the main one): the checkpointer thread runs them.
db.pragma('wal_autocheckpoint = 0');
const insertUpdate = db.prepare(
  'INSERT INTO updates (room_id, doc, seq, ts, author_role, author_name, bytes) ' +
  'SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM updates WHERE room_id = ? AND doc = ? RETURNING seq');
const insertRow = db.prepare(
  'INSERT INTO updates (room_id, doc, seq, ts, author_role, author_name, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)');
const insertSnapshot = db.prepare('INSERT OR REPLACE INTO snapshots (room_id, doc, seq, ts, bytes) VALUES (?, ?, ?, ?, ?)');
const insertEvent = db.prepare('INSERT INTO events (room_id, ts, kind, role, name, doc) VALUES (?, ?, ?, ?, ?, ?)');
// Bytes committed so far, for the checkpointer to decide when the WAL is worth copying back.
const written = new Int32Array(workerData.written);
const trimEvents = db.prepare(
  'DELETE FROM events WHERE room_id = ? AND id NOT IN (SELECT id FROM events WHERE room_id = ? ORDER BY ts DESC, id DESC LIMIT ?)');
function run(w) {
  switch (w.op) {
    case 'append': {
      const u = w.u;
      Atomics.add(written, 0, u.bytes.byteLength);
      return insertUpdate.get(u.roomId, u.doc, u.ts, u.authorRole, u.authorName, u.bytes, u.roomId, u.doc).seq;
    }
    case 'batch': {
      batchBytes = 0;
      insertBatch(w);
      Atomics.add(written, 0, batchBytes);
      return null;
    }
    case 'snapshot': {
      const s = w.s;
      insertSnapshot.run(s.roomId, s.doc, s.seq, s.ts, s.bytes);
      Atomics.add(written, 0, s.bytes.byteLength);
      return null;
    }
    case 'event': {
      const e = w.e;
      insertEvent.run(e.roomId, e.ts, e.kind, e.role, e.name, e.doc);
      trimEvents.run(e.roomId, e.roomId, workerData.maxEventsPerRoom);
      return null;
    }
  }
  throw new Error('unknown write ' + w.op);
}
// Open journal segments, kept open from their first batch to their last.
const segments = new Map();
let batchBytes = 0;
function insertJournaled(seq, ts, roomId, doc, authorRole, authorName, bytes) {
  insertRow.run(roomId, doc, seq, ts, authorRole, authorName, bytes);
  batchBytes += bytes.byteLength;
}
// Inserts a batch's rows as they are read; one that is short or torn throws, and the transaction
// holding them rolls back.
function insertBatch(w) {
  let fd = segments.get(w.segment);
  if (fd === undefined) segments.set(w.segment, (fd = openSync(w.segment, 'r')));
  const bytes = Buffer.allocUnsafe(w.to - w.from);
  for (let got = 0; got < bytes.byteLength; ) {
    const n = readSync(fd, bytes, got, bytes.byteLength - got, w.from + got);
    if (n === 0) break;
    got += n;
  }
  const { count, torn } = decodeRecords(bytes, crc32, insertJournaled);
  if (torn || count !== w.count) {
    throw new Error('journal segment ' + w.segment + ' holds ' + count + ' of the ' + w.count + ' records of its batch between bytes ' + w.from + ' and ' + w.to);
  }
}
let queue = [];
let scheduled = false;
let closing = false;
// A journal segment is deleted only once the transaction holding its last batch has committed.
function committed(w) {
  if (w.op !== 'batch' || !w.last) return;
  const fd = segments.get(w.segment);
  segments.delete(w.segment);
  try { if (fd !== undefined) closeSync(fd); unlinkSync(w.segment); } catch {}
}
function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  let replies;
  try {
    replies = db.transaction(() => batch.map((r) => ({ id: r.id, value: run(r.w) })))();
    for (const r of batch) committed(r.w);
  } catch {
    // One bad write must not fail the others: retry each in its own transaction.
    replies = batch.map((r) => {
      try {
        const value = db.transaction(() => run(r.w))();
        committed(r.w);
        return { id: r.id, value };
      } catch (err) {
        return { id: r.id, error: String(err && err.message || err) };
      }
    });
  }
  parentPort.postMessage(replies);
  if (closing && queue.length === 0) finish();
}
function finish() {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
}
parentPort.on('message', (msg) => {
  if (msg === 'close') {
    closing = true;
    if (!scheduled) finish();
    return;
  }
  // The main thread sends what it wrote in one event-loop turn as one array.
  for (const r of msg) queue.push(r);
  // Everything that arrives before the check phase joins this commit.
  if (!scheduled) { scheduled = true; setImmediate(flush); }
});
})();
`;

/**
 * The third thread, maintenance, on a connection of its own: WAL checkpoints, once the writer has
 * committed CHECKPOINT_AFTER_BYTES since the last one and every CHECKPOINT_IDLE_MS in any case;
 * and snapshot builds (see buildSnapshot), which only read, so the writer never waits on them.
 * The snapshot they build goes back through the main thread to the writer like any other write.
 *
 * Why not in the writer: a checkpoint copies the WAL's pages into the database file and syncs
 * both, and on the writer thread every commit queued behind it waited for that. The abuse bench
 * measured it: a client growing another room with 1 MiB updates filled the WAL every few
 * updates, and the healthy room's p99 went from 6 to 41 ms; with checkpoints off the writer's
 * path, 10 ms. A PASSIVE checkpoint takes no lock a writer needs (WAL mode lets a checkpointer
 * copy old frames while the writer appends new ones), and once it has copied every frame the
 * writer's next commit starts the WAL over. With nothing new in the WAL it returns at once.
 */
const CHECKPOINTER_SOURCE = `
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const Database = (await import(workerData.driver)).default;
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
};
const Y = await import(workerData.yjs);
const snapshotAsOf = db.prepare('SELECT seq, ts, bytes FROM snapshots WHERE room_id = ? AND doc = ? AND seq <= ? ORDER BY seq DESC LIMIT 1');
const logAsOf = db.prepare(
  'SELECT room_id, doc, seq, ts, author_role, author_name, bytes FROM updates WHERE room_id = ? AND doc = ? AND seq > ? AND seq <= ? ORDER BY seq');
// Only the bytes, for a fold: a row object with its four strings took 200–330 ms to read for a
// 50,000-row tail, the bytes alone 42–55 ms.
const bytesAsOf = db.prepare('SELECT bytes FROM updates WHERE room_id = ? AND doc = ? AND seq > ? AND seq <= ? ORDER BY seq').pluck();
const spanAsOf = db.prepare('SELECT COUNT(*) AS n, MAX(seq) AS last FROM updates WHERE room_id = ? AND doc = ? AND seq > ? AND seq <= ?');
const lastTs = db.prepare('SELECT ts FROM updates WHERE room_id = ? AND doc = ? AND seq = ?').pluck();
// A doc as of seq, from the store alone, in one read transaction (WAL: the writer carries on
// meanwhile): its latest snapshot at or before seq and where the log after it starts (from); when
// that log up to seq is whole and has at least minRows rows (foldEnd), its rows' bytes (updates),
// their last seq and its ts; otherwise updates is null and, with rowsIfNot, tail holds the rows.
// A load asks for the latest (no bound); a snapshot build for the watermark it was asked about.
const readAsOf = db.transaction((roomId, doc, seq, minRows, rowsIfNot) => {
  const snapshot = snapshotAsOf.get(roomId, doc, seq) ?? null;
  const from = snapshot ? snapshot.seq : 0;
  const { n, last } = spanAsOf.get(roomId, doc, from, seq);
  const end = foldEnd(from, n, last, minRows);
  if (end < 0) return { snapshot, from, updates: null, tail: rowsIfNot ? logAsOf.all(roomId, doc, from, seq) : null };
  const ts = end > from ? lastTs.get(roomId, doc, end) : snapshot ? snapshot.ts : 0;
  return { snapshot, from, last: end, ts, updates: bytesAsOf.all(roomId, doc, from, end) };
});
${ENCODE_FOLDED_SOURCE}
function buildSnapshot({ roomId, doc, seq }) {
  return buildFolded(Y, roomId, doc, readAsOf.deferred(roomId, doc, seq, 0, false), seq);
}
// A load: the latest snapshot and the log after it. A tail of at least foldRows rows comes back
// folded into one snapshot at its last seq (see FOLD_TAIL_ROWS) when it has no gap and leaves
// nothing pending; any other as the rows: read with the snapshot, or, where the fold left structs
// pending, read now (rows are only ever added, so the snapshot's tail is still whole).
function load(roomId, doc) {
  const read = readAsOf.deferred(roomId, doc, Number.MAX_SAFE_INTEGER, workerData.foldRows, true);
  const bytes = read.updates && encodeFolded(Y, roomId, doc, read.snapshot && read.snapshot.bytes, read.updates);
  if (bytes) return { loaded: { snapshot: { seq: read.last, ts: read.ts, bytes }, tail: [], folded: read.updates.length }, transfer: [bytes.buffer] };
  const loaded = { snapshot: read.snapshot, tail: read.tail ?? logAsOf.all(roomId, doc, read.from, Number.MAX_SAFE_INTEGER) };
  const transfer = [];
  if (loaded.snapshot) moved(transfer, loaded.snapshot.bytes);
  for (const r of loaded.tail) moved(transfer, r.bytes);
  return { loaded, transfer };
}
// The writer adds what it commits to this counter (it only grows; wrapping is harmless).
const written = new Int32Array(workerData.written);
let checkpointedAt = Atomics.load(written, 0);
let lastAt = Date.now();
const timer = setInterval(() => {
  const now = Atomics.load(written, 0);
  const since = (now - checkpointedAt) | 0;
  // Every idleMs regardless: the main thread's own connection writes too (rooms, files), uncounted.
  if (since < workerData.afterBytes && Date.now() - lastAt < workerData.idleMs) return;
  checkpointedAt = now;
  lastAt = Date.now();
  checkpoint();
}, workerData.pollMs);
// Big blobs move to the main thread; small ones are cheaper cloned than listed for transfer.
const moved = (list, bytes) => { if (bytes.byteLength >= workerData.transferBytes) list.push(bytes.buffer); };
parentPort.on('message', (msg) => {
  if (msg !== 'close') {
    try {
      if (msg.kind === 'load') {
        const { loaded, transfer } = load(msg.roomId, msg.doc);
        parentPort.postMessage({ id: msg.id, loaded }, transfer);
        return;
      }
      const bytes = buildSnapshot(msg);
      parentPort.postMessage({ id: msg.id, bytes }, [bytes.buffer]);
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: String(err && err.message || err) });
    }
    return;
  }
  clearInterval(timer);
  db.close();
  parentPort.close();
});
})();
`;

/**
 * When to checkpoint. A checkpoint copies the latest version of every page in the WAL, so one
 * every 200 ms under a steady stream of small commits copied the same B-tree pages over and over:
 * the checkpointer took 2.8% of a core under the 200×3 sync bench (4% of attn's CPU). Small
 * writes wait up to five seconds, and a burst (1 MiB updates, snapshots) is checkpointed as soon
 * as 2 MB of it are in, which keeps the WAL a few MB at most. One a second still cost the
 * maintenance thread ~30 ms per 8 s of the 200×3 bench (~4 µs per edit); one every 5 s, ~10 ms.
 */
const CHECKPOINT_AFTER_BYTES = 2 * 1024 * 1024;
const CHECKPOINT_IDLE_MS = 5000;
const CHECKPOINT_POLL_MS = 100;

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly checkpointer: Worker;
  private readonly checkpointerExited: Promise<void>;
  /** requests to the maintenance thread awaiting its answer */
  private readonly building = new Map<number, { resolve: (answer: { bytes?: Uint8Array; loaded?: LoadedRows }) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: number | null) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;
  private readonly exited: Promise<void>;
  /**
   * Writes made in this event-loop turn, sent to the thread as one message at its check phase.
   * One postMessage per update cost ~34 µs of main-thread CPU per edit (11% of the main thread
   * under the 200×3 sync bench, more than applying the update); an array costs one of them per
   * turn. The wait is the rest of the current poll phase, not a timer: I/O callbacks that arrive
   * together (one per socket with data) share a batch, and the thread commits them as one.
   */
  private readonly outbox = new TurnBatch<Request>((batch) => this.sendOutbox(batch));

  constructor(file: string, maxEventsPerRoom: number) {
    const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
    const written = new SharedArrayBuffer(4);
    const yjs = pathToFileURL(createRequire(import.meta.url).resolve('yjs')).href;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver, maxEventsPerRoom, written },
    });
    this.checkpointer = new Worker(CHECKPOINTER_SOURCE, {
      eval: true,
      workerData: { file, driver, yjs, written, afterBytes: CHECKPOINT_AFTER_BYTES, idleMs: CHECKPOINT_IDLE_MS, pollMs: CHECKPOINT_POLL_MS, transferBytes: TRANSFER_BYTES, foldRows: FOLD_TAIL_ROWS },
    });
    this.checkpointer.on('message', ({ id, error, ...answer }: { id: number; error?: string; bytes?: Uint8Array; loaded?: LoadedRows }) => {
      const w = this.building.get(id);
      if (!w) return;
      this.building.delete(id);
      if (this.building.size === 0) this.checkpointer.unref();
      if (error === undefined) w.resolve(answer);
      else w.reject(new Error(error));
    });
    // Idle, it never keeps the process alive (`ask` refs it while a load or build is pending); if
    // it dies, the writer's final checkpoint at close still runs (the WAL just grows meanwhile).
    this.checkpointer.unref();
    this.checkpointerExited = new Promise((resolve) =>
      this.checkpointer.once('exit', () => {
        for (const w of this.building.values()) w.reject(new Error('the store maintenance thread exited'));
        this.building.clear();
        resolve();
      }),
    );
    this.checkpointer.on('error', () => undefined);
    // Idle, the thread does not keep the process alive (a script that forgets to close its store
    // still exits); with writes in flight it does, or their promises would be dropped at exit.
    this.worker.unref();
    this.worker.on('message', (replies: Reply[]) => {
      for (const r of replies) {
        const w = this.waiting.get(r.id);
        if (!w) continue;
        this.waiting.delete(r.id);
        if (r.error !== undefined) w.reject(new Error(r.error));
        else w.resolve(r.value ?? null);
      }
      if (this.waiting.size === 0) this.worker.unref();
    });
    this.exited = new Promise((resolve) => {
      this.worker.on('error', (err) => this.fail(err));
      this.worker.on('exit', () => {
        this.fail(new Error('the store writer thread exited'));
        resolve();
      });
    });
  }

  /**
   * The doc as of `seq`, encoded on the maintenance thread from the store alone (its latest
   * snapshot at or before `seq` plus the log up to it). Rejects when the log has a gap below
   * `seq` or leaves structs pending. Encoding a doc on the main thread stalled every room: 39 ms
   * for a 12 MB board in the abuse bench, and a doc may grow to the 50 MB cap.
   */
  async buildSnapshot(roomId: string, doc: string, seq: number): Promise<Uint8Array> {
    return (await this.ask({ kind: 'build', roomId, doc, seq })).bytes!;
  }

  /**
   * A doc's latest snapshot and the log after it, read on the maintenance thread (in one read
   * transaction) and moved here: read on the main thread, a 12 MB board's rows held every room
   * for 39 ms while it loaded.
   */
  async loadDoc(roomId: string, doc: string): Promise<LoadedRows> {
    return (await this.ask({ kind: 'load', roomId, doc })).loaded!;
  }

  private ask(request: { kind: 'build' | 'load'; roomId: string; doc: string; seq?: number }): Promise<{ bytes?: Uint8Array; loaded?: LoadedRows }> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.building.size === 0) this.checkpointer.ref();
      this.building.set(id, { resolve, reject });
      this.checkpointer.postMessage({ id, ...request });
    });
  }

  /**
   * Resolves once the transaction holding it has committed. With `handOver`, the caller gives up
   * the op's byte array (it is detached once sent) and it moves to the thread uncopied.
   */
  write(w: WriteOp, { handOver = false }: { handOver?: boolean } = {}): Promise<number | null> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.outbox.push(handOver ? { id, w, handOver } : { id, w });
    });
  }

  private sendOutbox(batch: Request[]): void {
    // After a failure `fail` has rejected every waiting write, these included.
    if (this.failed) return;
    const transfer: ArrayBuffer[] = [];
    this.worker.postMessage(batch.map((r) => withOwnedBytes(r, transfer)), transfer);
  }

  /** Commits what was sent, checkpoints, and stops the thread. */
  async close(): Promise<void> {
    // Referenced while it closes, or a process whose last task is this close would exit first.
    this.checkpointer.ref();
    this.checkpointer.postMessage('close');
    await this.checkpointerExited;
    this.worker.ref();
    this.outbox.flush();
    if (!this.failed) this.worker.postMessage('close');
    await this.exited;
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
  }
}

/**
 * Big byte arrays go to the thread moved, not cloned. A structured clone serializes the bytes
 * into a growing buffer and copies them again on the other side: posting a 12 MB snapshot held the
 * main thread for 43 ms in the abuse bench. A copy of our own (one memcpy; the caller keeps its
 * array, which may be the cached whole doc that joiners are sent) is moved instead.
 */
const TRANSFER_BYTES = 64 * 1024;

function withOwnedBytes(r: Request, transfer: ArrayBuffer[]): Request {
  const own = (bytes: Uint8Array): Uint8Array => {
    if (r.handOver && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
      transfer.push(bytes.buffer);
      return bytes;
    }
    const copy = exactCopy(bytes);
    transfer.push(copy.buffer);
    return copy;
  };
  const w = r.w;
  if (w.op === 'append' && w.u.bytes.byteLength >= TRANSFER_BYTES) return { id: r.id, w: { op: 'append', u: { ...w.u, bytes: own(w.u.bytes) } } };
  if (w.op === 'snapshot' && w.s.bytes.byteLength >= TRANSFER_BYTES) return { id: r.id, w: { op: 'snapshot', s: { ...w.s, bytes: own(w.s.bytes) } } };
  return { id: r.id, w: r.w };
}

/**
 * Not `bytes.slice()`: on a Buffer that is another view of the same memory, and moving its
 * ArrayBuffer would detach every other Buffer in the pool it came from.
 */
const exactCopy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
