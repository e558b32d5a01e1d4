/**
 * The embedded store's update journal: an update is durable once it is appended to a plain file,
 * and reaches SQLite a few milliseconds later in a batch (ATTN_SQLITE_WRITER=journal, the default).
 *
 * Why (issue 15): with a commit per update on the writer thread, handing each update to that
 * thread and waking it cost more CPU than relaying the update did. Per edit at 1,000 edits/s on
 * the 2-core bench machine: ~43 µs of main-thread postMessage and ~90–130 µs on the writer (a ~45 µs
 * commit, the rest waking up and answering), against ~4 µs for one write() to a file. A cross-thread
 * wake on this VM costs about what relaying an update does. So the main thread writes each update
 * to the journal (one writev, no fsync: what a killed process leaves behind is in the page cache,
 * the same promise as SQLite's synchronous=NORMAL WAL commit it replaces), relays it, and every
 * BATCH_MS hands what it wrote to the writer thread as one transaction; the writer deletes the
 * journal segment once that transaction has committed. At start-up, segments a killed process
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
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { NewUpdate } from './port.js';
import type { Role } from '../../shared/protocol.js';

export interface JournaledUpdate extends NewUpdate {
  seq: number;
}

/** Where a journal's batches go: the writer thread, which deletes the segment after committing. */
export interface JournalSink {
  /**
   * commits the rows in one transaction and, when `last` (no more rows will be written to
   * `segment`), deletes the segment; rejects when the commit failed
   */
  commit(rows: JournaledUpdate[], segment: string, last: boolean): Promise<void>;
  /** a doc's last stored seq (0 for none); asked once per doc until its head is evicted */
  lastSeq(roomId: string, doc: string): number;
}

/**
 * How long appended updates wait for their batch. At 1,000 edits/s a batch is ~20 updates: one
 * hand-off and one commit for all of them (a commit of 32 small rows cost ~9 µs each, of one row
 * ~36 µs). Latency is unaffected: updates are relayed as soon as they are in the journal.
 */
export const BATCH_MS = 50;
/** A batch this big is handed over at once (big updates, or a burst): memory and the WAL stay small. */
export const SEAL_BYTES = 1024 * 1024;
/** A segment file takes batches for this long, or up to this size, before the next one is started. */
const SEGMENT_MS = 1000;
const SEGMENT_BYTES = 16 * 1024 * 1024;
/** Docs whose head seq is kept in memory; past this, heads with nothing in flight are dropped. */
const MAX_HEADS = 10_000;
/** Each record: its body's length and CRC-32 (a torn tail from a power cut is told apart), then the body. */
const HEADER_BYTES = 8;

/**
 * One record as the buffers to write, in order: header, the fields, the update's bytes. The bytes
 * are written from the caller's array, not copied into the record (a 1 MiB update would otherwise
 * be copied twice on the main thread); the checksum runs over the fields and then the bytes.
 */
export function encodeRecord(u: JournaledUpdate): [Uint8Array, Uint8Array, Uint8Array] {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, u.seq);
  encoding.writeFloat64(enc, u.ts);
  encoding.writeVarString(enc, u.roomId);
  encoding.writeVarString(enc, u.doc);
  encoding.writeVarString(enc, u.authorRole);
  encoding.writeVarString(enc, u.authorName);
  encoding.writeVarUint(enc, u.bytes.byteLength);
  const fields = encoding.toUint8Array(enc);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(fields.byteLength + u.bytes.byteLength, 0);
  header.writeUInt32LE(crc32(u.bytes, crc32(fields)), 4);
  return [header, fields, u.bytes];
}

/**
 * The records in a segment, in the order they were written. Reading stops at the first record
 * that is incomplete or fails its checksum (`torn`): nothing after it was ever acknowledged.
 */
export function decodeSegment(bytes: Uint8Array): { rows: JournaledUpdate[]; torn: boolean } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: JournaledUpdate[] = [];
  let at = 0;
  while (at < view.byteLength) {
    if (view.byteLength - at < HEADER_BYTES) return { rows, torn: true };
    const length = view.readUInt32LE(at);
    const sum = view.readUInt32LE(at + 4);
    const start = at + HEADER_BYTES;
    if (view.byteLength - start < length) return { rows, torn: true };
    const body = view.subarray(start, start + length);
    if (crc32(body) !== sum) return { rows, torn: true };
    try {
      const dec = decoding.createDecoder(body);
      rows.push({
        seq: decoding.readVarUint(dec),
        ts: decoding.readFloat64(dec),
        roomId: decoding.readVarString(dec),
        doc: decoding.readVarString(dec) as JournaledUpdate['doc'],
        authorRole: decoding.readVarString(dec) as Role | 'server',
        authorName: decoding.readVarString(dec),
        bytes: decoding.readVarUint8Array(dec).slice(),
      });
    } catch {
      return { rows, torn: true };
    }
    at = start + length;
  }
  return { rows, torn: false };
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
  private batch: JournaledUpdate[] = [];
  private batchBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** settles once every batch handed over so far has committed (or the journal failed) */
  private committed: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  /** per doc: the last seq handed out, and how many of its updates are not committed yet */
  private readonly heads = new Map<string, { seq: number; inFlight: number }>();

  constructor(
    private readonly file: string,
    private readonly sink: JournalSink,
  ) {}

  /** Writes the update to the journal and returns its seq; it is durable when this returns. */
  append(u: NewUpdate): number {
    if (this.failed) throw this.failed;
    const key = `${u.roomId}\u0000${u.doc}`;
    let head = this.heads.get(key);
    if (!head) {
      head = { seq: this.sink.lastSeq(u.roomId, u.doc), inFlight: 0 };
      this.heads.set(key, head);
    }
    const row: JournaledUpdate = { ...u, seq: head.seq + 1 };
    const record = encodeRecord(row);
    const size = record.reduce((n, b) => n + b.byteLength, 0);
    this.fd ??= this.openSegment();
    let written: number;
    try {
      written = fs.writevSync(this.fd, record);
    } catch (err) {
      throw this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    // A short write leaves a torn record that recovery stops at: nothing after it could be read.
    if (written !== size) throw this.fail(new Error(`the update journal took ${written} of ${size} bytes (disk full?)`));
    head.seq = row.seq;
    head.inFlight++;
    this.batch.push(row);
    this.batchBytes += size;
    this.segmentBytes += written;
    if (this.batchBytes >= SEAL_BYTES) this.seal();
    else if (!this.timer) {
      this.timer = setTimeout(this.seal, BATCH_MS);
      // Nothing is lost if the process exits with a batch waiting: the next start replays it.
      this.timer.unref();
    }
    return row.seq;
  }

  /** Resolves once everything appended so far is committed to SQLite; rejects if it cannot be. */
  async flushed(): Promise<void> {
    this.seal();
    await this.committed;
    if (this.failed) throw this.failed;
  }

  /** Hands the last batch over and waits for it; the journal is empty afterwards unless a commit failed. */
  async close(): Promise<void> {
    this.handOver(true);
    await this.committed;
  }

  private openSegment(): number {
    this.segment = `${this.file}.log-${++this.segmentNo}`;
    this.segmentBytes = 0;
    this.segmentSince = Date.now();
    return fs.openSync(this.segment, 'w');
  }

  private readonly seal = (): void => this.handOver(false);

  /**
   * Hands the batch to the writer. The segment stays open for the next batches until it is a
   * second old or SEGMENT_BYTES big (`retire`: at close, or when nothing was appended to it for
   * SEGMENT_MS); the batch that closes it tells the writer to delete it once committed. A file per
   * batch cost an open, a close and an unlink 50 times a second (~110 µs each open under load).
   */
  private handOver(retire: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd === null) return;
    const last = retire || this.segmentBytes >= SEGMENT_BYTES || Date.now() - this.segmentSince >= SEGMENT_MS;
    if (this.batch.length === 0 && !last) return;
    const rows = this.batch;
    const segment = this.segment;
    this.batch = [];
    this.batchBytes = 0;
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
    const done = this.sink.commit(rows, segment, last);
    const before = this.committed;
    this.committed = Promise.allSettled([before, done]).then(([, result]) => {
      if (result.status === 'rejected') this.fail(result.reason instanceof Error ? result.reason : new Error(String(result.reason)));
      else this.settle(rows);
    });
  }

  /** A batch committed: its docs' heads may be forgotten once nothing of theirs is in flight. */
  private settle(rows: JournaledUpdate[]): void {
    for (const r of rows) {
      const head = this.heads.get(`${r.roomId}\u0000${r.doc}`);
      if (head) head.inFlight--;
    }
    if (this.heads.size <= MAX_HEADS) return;
    for (const [key, head] of this.heads) if (head.inFlight === 0) this.heads.delete(key);
  }

  /**
   * A write or commit failed: no further appends (their seqs could not be trusted). What is in the
   * journal stays there and is replayed into SQLite at the next start.
   */
  private fail(err: Error): Error {
    this.failed ??= new Error(`the update journal stopped: ${err.message}`);
    return this.failed;
  }
}
