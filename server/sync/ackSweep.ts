/**
 * When each writer is owed an acknowledgement (a sync step 1, see SYNC_ACK in shared/protocol.ts),
 * swept by one timer for the whole server instead of a timer per writer.
 *
 * Why: a Timeout per writer per acknowledgement lived about a second, long enough to survive the
 * young generation's collections: at 1000×2 (2,000 writers) a sampling heap profile of what
 * escaped them found ~4 MB of timers per 10 s, each also linked into and out of Node's timer
 * lists. Here a pending acknowledgement is two numbers on its connection and one entry in a
 * map that lives as long as the server; a tick every `tickMs` walks the entries, so an
 * acknowledgement goes out up to one tick after it is due.
 *
 * Backing off (`answered`): a stock client answers every acknowledgement (a sync step 1 carrying
 * the server's state vector) with a sync step 2 of whatever it holds past that state vector. When
 * the server is keeping up that is nothing (two bytes), but when it runs behind, the answer holds
 * every edit of that client still queued on its way in, each of which the server must then decode
 * again: at 1000×3 @ 5/s (15,000 edits/s, past what this 2-core machine serves) the answers made
 * the server fall further behind, which made them longer still (a sync bench run without
 * acknowledgements: p50 0.9 s instead of 3–6 s, CPU per edit 100 µs instead of 107–144). So a
 * connection whose answer held updates waits twice as long for its next acknowledgement, up to
 * `maxBackoff` times, and back to the usual wait once an answer comes back empty.
 */

/** What the sweep keeps on each connection (fields of its Session). */
export interface AckState {
  /** when its oldest unacknowledged update was stored; null when none is */
  ackPendingSince: number | null;
  /** when the acknowledgement is due */
  ackDue?: number;
  /** how many times the usual wait its acknowledgements wait (see `answered`); 1 when unset */
  ackBackoff?: number;
}

export interface AckSweepOptions {
  /** quiet time after the last stored update before the acknowledgement goes out */
  idleMs: number;
  /** a writer that never pauses is acknowledged this long after its first unacknowledged update */
  maxWaitMs: number;
  /** how often due acknowledgements are looked for */
  tickMs: number;
  /** the most times the usual waits an acknowledgement is put off by its answers holding updates */
  maxBackoff: number;
  now?: () => number;
}

/** The document a connection writes to: sends the acknowledgement when it is due (if the connection is still open). */
export interface AckTarget<C> {
  ack(conn: C): void;
}

export class AckSweep<C extends AckState> {
  /** connections owed an acknowledgement, with the document that owes it */
  private readonly pending = new Map<C, AckTarget<C>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: AckSweepOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** `conn`'s update was stored just now: its acknowledgement is due after a quiet `idleMs`. */
  stored(conn: C, by: AckTarget<C>): void {
    if (this.closed) return;
    const now = this.now();
    conn.ackPendingSince ??= now;
    const k = conn.ackBackoff ?? 1;
    conn.ackDue = Math.min(now + k * this.opts.idleMs, conn.ackPendingSince + k * this.opts.maxWaitMs);
    this.pending.set(conn, by);
    if (!this.timer) {
      this.timer = setInterval(this.tick, this.opts.tickMs);
      this.timer.unref();
    }
  }

  /**
   * `conn` answered an acknowledgement (its sync step 2); `withUpdates`: the answer held edits that
   * were on their way when the acknowledgement left, so the next one waits longer (see above).
   */
  answered(conn: C, withUpdates: boolean): void {
    if (!withUpdates) conn.ackBackoff = undefined;
    else conn.ackBackoff = Math.min(2 * (conn.ackBackoff ?? 1), this.opts.maxBackoff);
  }

  /** The connection left: nothing is owed to it any more. */
  forget(conn: C): void {
    this.pending.delete(conn);
    conn.ackPendingSince = null;
  }

  /** how many connections are owed an acknowledgement */
  get size(): number {
    return this.pending.size;
  }

  /** Sends every acknowledgement due by `now`; the timer stops when none is left. */
  sweep(now = this.now()): void {
    for (const [conn, by] of this.pending) {
      if ((conn.ackDue ?? 0) > now) continue;
      this.pending.delete(conn);
      conn.ackPendingSince = null;
      by.ack(conn);
    }
    if (this.pending.size === 0) this.stop();
  }

  /** Owes nobody anything any more (the server is closing); later stores are not acknowledged. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    this.stop();
  }

  private readonly tick = (): void => this.sweep();

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
