/**
 * The embedded store's update journal: an update is durable once it is appended to a plain file,
 * and reaches SQLite a few milliseconds later in a batch (ATTN_SQLITE_WRITER=journal, the default).
 *
 * Why (issue 15): with a commit per update on the writer thread, handing each update to that
 * thread and waking it cost more CPU than relaying the update did. Per edit at 1,000 edits/s on
 * the 2-core bench machine: ~43 µs of main-thread postMessage and ~90–130 µs on the writer (a ~45 µs
 * commit, the rest waking up and answering), against ~4 µs for one write() to a file. A cross-thread
 * wake on this VM costs about what relaying an update does. So the main thread writes each update
 * to the journal (one write per socket read for all of its updates, or fewer in a busy turn:
 * JOURNAL_WRITE_LIMITS; no fsync: what a killed process leaves behind is in the page cache, the
 * same promise as SQLite's synchronous=NORMAL WAL commit it replaces), relays it, and every
 * BATCH_MS hands what it wrote to the writer thread as one transaction; the writer deletes a
 * journal segment once its last batch has committed. At start-up, segments a killed process
 * left behind are replayed into SQLite before anything else runs.
 *
 * Seqs are allocated here, in memory (the doc's last stored seq is read once): so this mode needs
 * the database to itself, and SqliteStore holds a lock file for as long as it is open. Several
 * instances on one database is what ATTN_SQLITE_WRITER=thread (or Postgres) is for.
 *
 * Reads of the log (loading a doc, catching up, building a snapshot, playback) wait for the
 * current batch to commit first (`flushed`), so they always see every appended update.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { NewUpdate } from './port.js';
import { TurnBatch } from './turnBatch.js';

export interface JournaledUpdate extends NewUpdate {
  seq: number;
}

/** per doc: the last seq handed out, and how many of its updates are not committed yet */
interface Head {
  seq: number;
  inFlight: number;
}

/** an appended update waiting for this turn's write */
interface Unwritten {
  seq: number;
  head: Head;
  resolve: (seq: number) => void;
  reject: (err: Error) => void;
}

/** One batch: the records written to `segment` between byte `from` and byte `to`. */
export interface JournalBatch {
  segment: string;
  from: number;
  to: number;
  /** how many records those bytes hold (the reader checks it) */
  count: number;
  /** no more records will be written to `segment`: delete it once this batch has committed */
  last: boolean;
}

/** Where a journal's batches go: the writer thread, which reads them from the segment and commits them. */
export interface JournalSink {
  /** commits the batch's records in one transaction (and deletes a `last` segment); rejects when it could not */
  commit(batch: JournalBatch): Promise<void>;
  /** a doc's last stored seq (0 for none); asked once per doc until its head is evicted */
  lastSeq(roomId: string, doc: string): number;
}

/**
 * How long journaled updates wait to be committed to SQLite (latency is unaffected: an update is
 * relayed as soon as it is in the journal). A commit writes about one B-tree page per document it
 * touches (the log index's leaf for that doc), so at 200 rooms a 50 ms batch (~50 updates, ~50
 * docs) wrote a page per update, and the writer thread took ~170 ms per 8,000 edits; a 500 ms
 * batch holds several updates per doc: ~40–70 ms. 1,000 ms against 500 in the store bench
 * (`npm run bench -- --only store`: 1,000 docs writing 4 updates a second, with their snapshots),
 * two alternating pairs: the writer and maintenance threads 8.5–9.4 µs an edit against 9.3–11.4.
 * Reads flush at once (see `flushed`); a restart after kill -9 replays up to this much more of
 * the journal.
 */
const BATCH_MS = 1000;
/** A batch this big is handed over at once (big updates, or a burst): memory and the WAL stay small. */
const SEAL_BYTES = 1024 * 1024;
/** A segment file takes batches for this long, or up to this size, before the next one is started. */
const SEGMENT_MS = 1000;
const SEGMENT_BYTES = 16 * 1024 * 1024;
/** Docs whose head seq is kept in memory; past this, heads with nothing in flight are dropped. */
const MAX_HEADS = 10_000;
/**
 * When the journal writes (and so when updates are relayed):
 * - right after the task that appended them (a socket read: every frame of it), for the first 8
 *   such tasks of an event-loop turn. Waiting for the turn's end made each update wait for every
 *   other socket read in the turn: measured inside the server at 200×3 (1w), from a frame's
 *   arrival to its relay, p50 0.25–0.33 ms, p90 0.71–0.77, p99 1.8–2.3 against p50 0.11–0.13,
 *   p90 0.36–0.40, p99 0.97–1.05 now, with CPU per edit unchanged (0.99× over six alternating
 *   rounds). A busy turn reads many sockets, so after 8 the rest share writes again:
 * - once 256 are waiting or the first has waited 2 ms, even if the turn goes on (see TurnBatch).
 *   At 1000×3 @ 5/s, past what this 2-core machine serves, single turns ran to seconds and every
 *   update read in one waited for its end; a write per 256 updates or 2 ms costs a few µs;
 * - at the turn's end, whatever is left.
 */
const JOURNAL_WRITE_LIMITS = { maxItems: 256, maxWaitMs: 2, earlyPerTurn: 8 };
/** Each record: its body's length and CRC-32 (a torn tail from a power cut is told apart), then the body. */
const HEADER_BYTES = 8;

/**
 * Records are encoded into one reusable buffer per event-loop turn and written with one write: a
 * lib0 encoder, a header buffer and a writev of three pieces per update cost ~15 µs of JS per edit
 * under the 200×3 bench. The body's layout (RECORD_DECODER_SOURCE reads it): varuint seq
 * (lib0's varuint: seven bits per byte, low bits first), big-endian float64 ts, four
 * varuint-length UTF-8 strings, varuint-length bytes.
 */
class RecordWriter {
  private buf = Buffer.allocUnsafe(64 * 1024);
  /** bytes encoded so far */
  length = 0;

  add(u: NewUpdate, seq: number): void {
    const strings = [u.roomId, u.doc, u.authorRole, u.authorName];
    // header, seq, ts, 4 × (length + UTF-8: at most 3 bytes per UTF-16 unit), length + bytes
    this.reserve(HEADER_BYTES + 5 + 8 + strings.reduce((n, x) => n + 5 + 3 * x.length, 0) + 5 + u.bytes.byteLength);
    const start = this.length;
    this.length += HEADER_BYTES;
    this.varUint(seq);
    this.length = this.buf.writeDoubleBE(u.ts, this.length);
    for (const x of strings) {
      this.varUint(Buffer.byteLength(x, 'utf8'));
      this.length += this.buf.write(x, this.length, 'utf8');
    }
    this.varUint(u.bytes.byteLength);
    this.buf.set(u.bytes, this.length);
    this.length += u.bytes.byteLength;
    const body = this.buf.subarray(start + HEADER_BYTES, this.length);
    this.buf.writeUInt32LE(body.byteLength, start);
    this.buf.writeUInt32LE(crc32(body), start + 4);
  }

  /** what was encoded since the last `clear` (a view: valid until the next `add`) */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
    // one big update must not pin a big buffer for the life of the process
    if (this.buf.byteLength > 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.byteLength) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.byteLength, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  private varUint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }
}

/** One record on its own (tests, tools). */
export function encodeRecord(u: JournaledUpdate): Buffer {
  const w = new RecordWriter();
  w.add(u, u.seq);
  return Buffer.from(w.bytes());
}

/**
 * Reads records (RecordWriter's layout) from a Buffer: `(view, crc32, onRow) => { count, torn }`,
 * calling `onRow(seq, ts, roomId, doc, authorRole, authorName, bytes)` for each, where `bytes` is a
 * view into `view` (copy it to keep it). Reading stops at the first record that is incomplete or
 * fails its checksum (`torn`): nothing after it was ever acknowledged. It is source text because
 * two threads run it: this one (recovery, tests) and the writer thread, which reads each batch
 * back from its segment (sqliteWriter.ts runs its worker from source, with no TypeScript loader).
 * So it uses only Buffer and the crc32 it is given. The writer inserts each row as it is read: no
 * row object and no copy of its bytes (better-sqlite3 copies a bound blob itself).
 */
export const RECORD_DECODER_SOURCE = `(view, crc32, onRow) => {
  let count = 0;
  let at = 0;
  let p = 0;
  let end = 0;
  const varUint = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (p >= end) throw new RangeError('record ends inside a number');
      const b = view[p++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
  };
  const piece = () => {
    const length = varUint();
    if (p + length > end) throw new RangeError('record ends inside a field');
    p += length;
    return p - length;
  };
  const text = () => {
    const from = piece();
    return view.toString('utf8', from, p);
  };
  while (at < view.byteLength) {
    if (view.byteLength - at < ${HEADER_BYTES}) return { count, torn: true };
    const length = view.readUInt32LE(at);
    const start = at + ${HEADER_BYTES};
    end = start + length;
    if (end > view.byteLength) return { count, torn: true };
    if (crc32(view.subarray(start, end)) !== view.readUInt32LE(at + 4)) return { count, torn: true };
    let seq, ts, roomId, doc, authorRole, authorName, from;
    try {
      p = start;
      seq = varUint();
      if (p + 8 > end) throw new RangeError('record ends inside its time');
      ts = view.readDoubleBE(p);
      p += 8;
      roomId = text();
      doc = text();
      authorRole = text();
      authorName = text();
      from = piece();
    } catch {
      return { count, torn: true };
    }
    // outside the try: what the callback throws is its own error, not a torn record
    onRow(seq, ts, roomId, doc, authorRole, authorName, view.subarray(from, p));
    count++;
    at = end;
  }
  return { count, torn: false };
}`;

type OnRow = (
  seq: number,
  ts: number,
  roomId: string,
  doc: JournaledUpdate['doc'],
  authorRole: JournaledUpdate['authorRole'],
  authorName: string,
  bytes: Buffer,
) => void;
const decodeRecords = new Function(`return ${RECORD_DECODER_SOURCE}`)() as (view: Buffer, sum: typeof crc32, onRow: OnRow) => { count: number; torn: boolean };

/** The records in a segment, in the order they were written (see RECORD_DECODER_SOURCE). */
export function decodeSegment(bytes: Uint8Array): { rows: JournaledUpdate[]; torn: boolean } {
  const rows: JournaledUpdate[] = [];
  const { torn } = decodeRecords(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), crc32, (seq, ts, roomId, doc, authorRole, authorName, bytes) =>
    rows.push({ seq, ts, roomId, doc, authorRole, authorName, bytes: new Uint8Array(bytes) }),
  );
  return { rows, torn };
}

/** The journal segments beside a database file, oldest first. */
export function segmentsOf(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.log-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((n) => path.join(dir, n));
}

/**
 * Replays what a stopped process left in its journal: `insert` stores the rows (ignoring those
 * its last batches had committed already), then the segments are deleted. Returns how many rows
 * were read.
 */
export function recoverJournal(file: string, insert: (rows: JournaledUpdate[]) => void): number {
  let count = 0;
  const segments = segmentsOf(file);
  for (const segment of segments) {
    const { rows } = decodeSegment(fs.readFileSync(segment));
    if (rows.length > 0) insert(rows);
    count += rows.length;
  }
  for (const segment of segments) fs.rmSync(segment, { force: true });
  return count;
}

export class UpdateJournal {
  private fd: number | null = null;
  private segmentNo = 0;
  private segment = '';
  private segmentBytes = 0;
  private segmentSince = 0;
  private retireTimer: NodeJS.Timeout | null = null;
  /** appended and not written yet: written after their task, or with others in a busy turn (JOURNAL_WRITE_LIMITS) */
  private readonly unwritten = new TurnBatch<Unwritten>((pending) => this.writeUnwritten(pending), JOURNAL_WRITE_LIMITS);
  private readonly records = new RecordWriter();
  /** the batch being written: where it starts in the segment, and the head of each of its records */
  private batchFrom = 0;
  private batchHeads: Head[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** settles once every batch handed over so far has committed (or the journal failed) */
  private committed: Promise<void> = Promise.resolve();
  /** callers of `committedInTime` waiting for the batch being filled to be handed over */
  private batchWaiters: Array<() => void> = [];
  private failed: Error | null = null;
  /** per doc: the last seq handed out, and how many of its updates are not committed yet */
  private readonly heads = new Map<string, Head>();

  constructor(
    private readonly file: string,
    private readonly sink: JournalSink,
  ) {}

  /**
   * Journals the update; resolves with its seq once it is written (durable). The seq is taken at
   * once, and the write happens after the current task, together with every other update of it
   * (or later in a busy turn: JOURNAL_WRITE_LIMITS): one write for all of them. At 4,000 edits/s
   * (the 1000×2 bench) a write per update cost ~18 µs of the main thread's wall time each.
   */
  append(u: NewUpdate): Promise<number> {
    if (this.failed) return Promise.reject(this.failed);
    const key = `${u.roomId}\u0000${u.doc}`;
    const head = this.heads.get(key) ?? this.headOf(key, u);
    const seq = ++head.seq;
    head.inFlight++;
    this.records.add(u, seq);
    return new Promise((resolve, reject) => this.unwritten.push({ seq, head, resolve, reject }));
  }

  private headOf(key: string, u: NewUpdate): Head {
    const head = { seq: this.sink.lastSeq(u.roomId, u.doc), inFlight: 0 };
    this.heads.set(key, head);
    return head;
  }

  /** Writes this turn's updates to the segment in one write, then answers them. */
  private writeUnwritten(pending: Unwritten[]): void {
    const bytes = this.records.bytes();
    this.records.clear();
    if (this.failed) {
      for (const p of pending) p.reject(this.failed);
      return;
    }
    try {
      this.fd ??= this.openSegment();
      const written = fs.writeSync(this.fd, bytes);
      // A short write leaves a torn record that recovery stops at: nothing after it could be read.
      if (written !== bytes.byteLength) throw new Error(`the update journal took ${written} of ${bytes.byteLength} bytes (disk full?)`);
      this.segmentBytes += written;
    } catch (err) {
      const failed = this.fail(err instanceof Error ? err : new Error(String(err)));
      for (const p of pending) p.reject(failed);
      return;
    }
    for (const p of pending) {
      this.batchHeads.push(p.head);
      p.resolve(p.seq);
    }
    if (this.segmentBytes - this.batchFrom >= SEAL_BYTES) this.seal();
    else if (!this.timer) {
      this.timer = setTimeout(this.seal, BATCH_MS);
      // Nothing is lost if the process exits with a batch waiting: the next start replays it.
      this.timer.unref();
    }
  }

  /** Resolves once everything appended so far is committed to SQLite; rejects if it cannot be. */
  async flushed(): Promise<void> {
    this.unwritten.flush();
    this.seal();
    await this.committed;
    if (this.failed) throw this.failed;
  }

  /**
   * Resolves once everything appended so far is committed, when the batches' own timing commits it
   * (up to BATCH_MS later); rejects if it cannot be. For readers that can wait, such as a snapshot
   * build: `flushed` cuts the batch short instead, and a doc snapshots every 500 of its updates, so
   * at 1,000 docs writing 4 updates a second (the 1000×2 bench's load, run for minutes) snapshots
   * alone would cut batches eight times a second. A commit costs per page it touches, about one per
   * doc: 12.5 µs of the writer's CPU and 9 µs of checkpointing per row at one row per doc per
   * batch, 9 and 5.5 at two, 7 and 3.5 at four (1,000 docs, better-sqlite3 alone).
   */
  async committedInTime(): Promise<void> {
    // Written now rather than at the turn's end, so that whatever hands the batch over next has them.
    this.unwritten.flush();
    if (this.failed) throw this.failed;
    if (this.batchHeads.length > 0) {
      // The batch's timer keeps the process alive while someone waits for it (a shutdown's last
      // snapshots do), as it does not on its own: a batch left behind is replayed at the next start.
      this.timer?.ref();
      await new Promise<void>((resolve) => this.batchWaiters.push(resolve));
    }
    await this.committed;
    if (this.failed) throw this.failed;
  }

  /** Hands the last batch over and waits for it; the journal is empty afterwards unless a commit failed. */
  async close(): Promise<void> {
    this.unwritten.flush();
    this.handOver(true);
    await this.committed;
  }

  private openSegment(): number {
    this.segment = `${this.file}.log-${++this.segmentNo}`;
    this.segmentBytes = 0;
    this.batchFrom = 0;
    this.segmentSince = Date.now();
    return fs.openSync(this.segment, 'w');
  }

  private readonly seal = (): void => this.handOver(false);

  /**
   * Hands the batch to the writer: which bytes of the segment hold it (the writer reads them back;
   * holding the rows here until their commit kept every update of the last batch reachable, and
   * cloning them to the writer cost a postMessage of the whole batch). The segment stays open for the next batches until it is
   * SEGMENT_MS old or SEGMENT_BYTES big (`retire`: at close, or SEGMENT_MS after its first batch
   * when no later batch closed it); the batch that closes it tells the writer to delete it once
   * committed. A file per batch cost an open, a close and an unlink per batch (~110 µs an open
   * under load, at 50 ms batches).
   */
  private handOver(retire: boolean): void {
    this.handOverBatch(retire);
    // after `committed` took the batch in: each waiter goes on to wait for it
    for (const resolve of this.batchWaiters.splice(0)) resolve();
  }

  private handOverBatch(retire: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd === null) return;
    const last = retire || this.segmentBytes >= SEGMENT_BYTES || Date.now() - this.segmentSince >= SEGMENT_MS;
    const heads = this.batchHeads;
    if (heads.length === 0 && !last) return;
    const batch: JournalBatch = { segment: this.segment, from: this.batchFrom, to: this.segmentBytes, count: heads.length, last };
    this.batchHeads = [];
    this.batchFrom = this.segmentBytes;
    if (last) {
      fs.closeSync(this.fd);
      this.fd = null;
      if (this.retireTimer) clearTimeout(this.retireTimer);
      this.retireTimer = null;
    } else if (!this.retireTimer) {
      this.retireTimer = setTimeout(() => {
        this.retireTimer = null;
        this.handOver(true);
      }, SEGMENT_MS);
      this.retireTimer.unref();
    }
    const done = this.sink.commit(batch);
    const before = this.committed;
    this.committed = Promise.allSettled([before, done]).then(([, result]) => {
      if (result.status === 'rejected') this.fail(result.reason instanceof Error ? result.reason : new Error(String(result.reason)));
      else this.settle(heads);
    });
  }

  /** A batch committed: its docs' heads may be forgotten once nothing of theirs is in flight. */
  private settle(heads: Head[]): void {
    for (const head of heads) head.inFlight--;
    if (this.heads.size <= MAX_HEADS) return;
    for (const [key, head] of this.heads) if (head.inFlight === 0) this.heads.delete(key);
  }

  /**
   * A write or commit failed: no further appends (their seqs could not be trusted). What is in the
   * journal stays there and is replayed into SQLite at the next start.
   */
  private fail(err: Error): Error {
    this.failed ??= new Error(`the update journal stopped: ${err.message}`);
    for (const resolve of this.batchWaiters.splice(0)) resolve();
    return this.failed;
  }
}
