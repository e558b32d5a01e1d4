/**
 * When each writer is owed an acknowledgement (its document's state vector, see SYNC_ACK in
 * shared/protocol.ts), swept by one timer for the whole server instead of a timer per writer.
 *
 * Why: a Timeout per writer per acknowledgement lived about a second, long enough to survive the
 * young generation's collections: at 1000×2 (2,000 writers) a sampling heap profile of what
 * escaped them found ~4 MB of timers per 10 s, each also linked into and out of Node's timer
 * lists. Here a pending acknowledgement is two numbers on its connection and one entry in a
 * map that lives as long as the server; a tick every `tickMs` walks the entries, so an
 * acknowledgement goes out up to one tick after it is due.
 *
 * Acknowledgements are one frame one way (AuthMessage.Stored in shared/protocol.ts): until
 * session 22 they were sync step 1s, which the stock client answers with a step 2, and the sweep
 * backed off a connection whose answers held edits (a server running behind decoded each again).
 * With nothing answered there is nothing to back off from, but a writer whose updates are stored
 * in bursts (a server running behind reads each socket's frames a second or so apart) would be
 * owed an acknowledgement after every burst: at 1000×3 @ 5/s, 0.19 a stored edit against 0.07
 * with the backoff. So a connection gets at most one acknowledgement per `maxWaitMs`, which is
 * still well inside the client's grace (SYNC_ACK.CLIENT_GRACE_MS).
 */

/** What the sweep keeps on each connection (fields of its Session). */
export interface AckState {
  /** when its oldest unacknowledged update was stored; null when none is */
  ackPendingSince: number | null;
  /** when the acknowledgement is due */
  ackDue?: number;
  /** when its last acknowledgement went out */
  ackSentAt?: number;
}

export interface AckSweepOptions {
  /** quiet time after the last stored update before the acknowledgement goes out */
  idleMs: number;
  /**
   * a writer that never pauses is acknowledged this long after its first unacknowledged update,
   * and no connection is acknowledged twice within it
   */
  maxWaitMs: number;
  /** how often due acknowledgements are looked for */
  tickMs: number;
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

  /**
   * `conn`'s update was stored just now: its acknowledgement is due after a quiet `idleMs`, at
   * most `maxWaitMs` after its first unacknowledged update, and no sooner than `maxWaitMs` after
   * its last acknowledgement.
   */
  stored(conn: C, by: AckTarget<C>): void {
    if (this.closed) return;
    const now = this.now();
    conn.ackPendingSince ??= now;
    const due = Math.min(now + this.opts.idleMs, conn.ackPendingSince + this.opts.maxWaitMs);
    conn.ackDue = conn.ackSentAt === undefined ? due : Math.max(due, conn.ackSentAt + this.opts.maxWaitMs);
    this.pending.set(conn, by);
    if (!this.timer) {
      this.timer = setInterval(this.tick, this.opts.tickMs);
      this.timer.unref();
    }
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
      conn.ackSentAt = now;
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
