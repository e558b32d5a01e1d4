/**
 * The replay engine: one document's recorded updates, and the state at any instant.
 *
 * Seeking never replays from the start. While the recording loads, every update is applied
 * once, in order, to a working doc, and every CHECKPOINT_EVERY_UPDATES updates the state is
 * encoded and kept (a server snapshot at the same place is used instead, when the recording
 * carries one). The state at t is then the nearest checkpoint at or before t plus at most that
 * many updates: O(checkpoint size + K) per seek, however long the interview was. Playing
 * forward moves a cursor by applying only the updates in between.
 *
 * Pure: Yjs and shared/ only, so the unit tests and the bench run it in Node.
 */
import * as Y from 'yjs';
import type { DocHistory, HistoryAuthor, HistoryUpdate } from '../../shared/history.js';

/**
 * Updates between two checkpoints. Smaller = faster seeks, more memory and more encoding while
 * loading. 256 keeps a seek of a 60-minute session in single-digit milliseconds with the whole
 * checkpoint set a few times the size of the board (tests/bench/replay.ts measures it).
 */
export const CHECKPOINT_EVERY_UPDATES = 256;

/** Origin of the transactions the engine applies, so observers can tell them apart. */
export const REPLAY_ORIGIN = { kind: 'replay' } as const;

export interface DocTimelineOptions {
  checkpointEvery?: number;
  /**
   * Called after each update is applied by the loading pass, with the working doc (the state
   * after updates[0..index]) and the transaction, so callers can derive markers in the same pass.
   * The doc must not be modified.
   */
  onApplied?: (applied: AppliedUpdate) => void;
  /**
   * Instantiates the root types `onApplied` looks at, before anything is applied. A transaction
   * names changed types by object, and a root type first created by an update is a placeholder
   * that `getMap`/`getText` later replace, so a type looked up afterwards would never match.
   */
  prepare?: (doc: Y.Doc) => void;
  /** Leave `history.updates` for the caller to `append` in slices (to show progress). */
  defer?: boolean;
}

export interface AppliedUpdate {
  index: number;
  update: HistoryUpdate;
  /** the update's time on the timeline (its ts, made non-decreasing) */
  t: number;
  doc: Y.Doc;
  tr: Y.Transaction;
}

interface Checkpoint {
  /** the state after this many updates */
  count: number;
  bytes: Uint8Array;
}

export class DocTimeline {
  readonly doc: DocHistory['doc'];
  readonly authors: HistoryAuthor[];
  readonly updates: HistoryUpdate[] = [];
  /**
   * Each update's time, made non-decreasing: the server stamps updates in seq order, but a clock
   * that steps back must not make "every update up to t" anything but a prefix of the log.
   */
  private times = new Float64Array(1024);
  private readonly checkpoints: Checkpoint[] = [];
  private readonly every: number;
  private readonly onApplied: DocTimelineOptions['onApplied'];
  /** the loading pass: the state after every appended update */
  private readonly work = new Y.Doc({ gc: true });
  private lastTx: Y.Transaction | null = null;
  private readonly snapshotsBySeq = new Map<number, Uint8Array>();

  constructor(history: DocHistory, options: DocTimelineOptions = {}) {
    this.doc = history.doc;
    this.authors = history.authors;
    this.every = Math.max(1, options.checkpointEvery ?? CHECKPOINT_EVERY_UPDATES);
    this.onApplied = options.onApplied;
    this.work.on('afterTransaction', (tr: Y.Transaction) => {
      this.lastTx = tr;
    });
    options.prepare?.(this.work);
    for (const s of history.snapshots) this.snapshotsBySeq.set(s.seq, s.bytes);
    // A log that starts after seq 1 (compacted) needs the snapshot just before it as its base.
    const first = history.updates[0];
    const base = first && first.seq > 1 ? this.snapshotsBySeq.get(first.seq - 1) : undefined;
    if (base) Y.applyUpdate(this.work, base, REPLAY_ORIGIN);
    this.checkpoints.push({ count: 0, bytes: Y.encodeStateAsUpdate(this.work) });
    if (!options.defer) this.append(history.updates);
  }

  get length(): number {
    return this.updates.length;
  }

  /** Time of the first and last update (null when empty). */
  get firstTs(): number | null {
    return this.updates.length > 0 ? this.times[0]! : null;
  }
  get lastTs(): number | null {
    return this.updates.length > 0 ? this.times[this.updates.length - 1]! : null;
  }

  /** The (non-decreasing) time of update `index`. */
  timeOf(index: number): number {
    if (index < 0 || index >= this.updates.length) throw new RangeError(`no update ${index}`);
    return this.times[index]!;
  }

  /**
   * Adds updates (ascending seq, after those already held) and runs them through the loading
   * pass. Loading in slices lets a page keep drawing its progress between them.
   */
  append(updates: readonly HistoryUpdate[]): void {
    for (const u of updates) {
      const index = this.updates.length;
      const prev = index > 0 ? this.updates[index - 1]! : null;
      if (prev && u.seq <= prev.seq) throw new Error(`updates out of order: seq ${u.seq} after ${prev.seq}`);
      if (index === this.times.length) {
        const bigger = new Float64Array(this.times.length * 2);
        bigger.set(this.times);
        this.times = bigger;
      }
      this.times[index] = index > 0 ? Math.max(u.ts, this.times[index - 1]!) : u.ts;
      this.updates.push(u);
      this.lastTx = null;
      Y.applyUpdate(this.work, u.bytes, REPLAY_ORIGIN);
      const count = index + 1;
      if (this.onApplied && this.lastTx) this.onApplied({ index, update: u, t: this.times[index]!, doc: this.work, tr: this.lastTx });
      const snapshot = this.snapshotsBySeq.get(u.seq);
      const lastCheckpoint = this.checkpoints[this.checkpoints.length - 1]!.count;
      if (snapshot) this.checkpoints.push({ count, bytes: snapshot });
      else if (count - lastCheckpoint >= this.every) this.checkpoints.push({ count, bytes: Y.encodeStateAsUpdate(this.work) });
    }
  }

  /** How many updates have a time <= t (so the state at t is the state after that many). */
  countAt(t: number): number {
    let lo = 0;
    let hi = this.updates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The nearest checkpoint at or before `count`. */
  private checkpointFor(count: number): Checkpoint {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.checkpoints[mid]!.count <= count) lo = mid;
      else hi = mid - 1;
    }
    return this.checkpoints[lo]!;
  }

  /** A new doc holding the state after the first `count` updates. */
  docAt(count: number): Y.Doc {
    const n = Math.max(0, Math.min(count, this.updates.length));
    const checkpoint = this.checkpointFor(n);
    const doc = new Y.Doc();
    Y.transact(
      doc,
      () => {
        Y.applyUpdate(doc, checkpoint.bytes, REPLAY_ORIGIN);
        for (let i = checkpoint.count; i < n; i++) Y.applyUpdate(doc, this.updates[i]!.bytes, REPLAY_ORIGIN);
      },
      REPLAY_ORIGIN,
    );
    return doc;
  }

  /** A new doc holding the state after every update with a time <= t. */
  stateAt(t: number): Y.Doc {
    return this.docAt(this.countAt(t));
  }

  /** Bytes held for seeking (checkpoints), for the bench and the loading screen. */
  checkpointBytes(): number {
    return this.checkpoints.reduce((n, c) => n + c.bytes.byteLength, 0);
  }

  destroy(): void {
    this.work.destroy();
  }
}

/**
 * A doc that follows the playhead. Moving forward by a few updates applies just those; any
 * other move rebuilds from the nearest checkpoint and hands out a new doc (callers compare
 * `doc` identity to know which happened).
 */
export class TimelineCursor {
  doc: Y.Doc;
  count: number;

  constructor(
    private readonly timeline: DocTimeline,
    count = 0,
    private readonly forwardLimit = CHECKPOINT_EVERY_UPDATES,
  ) {
    this.count = Math.max(0, Math.min(count, timeline.length));
    this.doc = timeline.docAt(this.count);
  }

  /** Moves to the state after `count` updates; returns true when anything changed. */
  moveTo(count: number): boolean {
    const n = Math.max(0, Math.min(count, this.timeline.length));
    if (n === this.count) return false;
    if (n > this.count && n - this.count <= this.forwardLimit) {
      Y.transact(
        this.doc,
        () => {
          for (let i = this.count; i < n; i++) Y.applyUpdate(this.doc, this.timeline.updates[i]!.bytes, REPLAY_ORIGIN);
        },
        REPLAY_ORIGIN,
      );
    } else {
      // The old doc is left to the garbage collector, not destroyed: a view may still be
      // reading it until it re-renders with the new one.
      this.doc = this.timeline.docAt(n);
    }
    this.count = n;
    return true;
  }

  moveToTime(t: number): boolean {
    return this.moveTo(this.timeline.countAt(t));
  }

  destroy(): void {
    this.doc.destroy();
  }
}
