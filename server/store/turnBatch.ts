/**
 * Collects what is pushed during one event-loop turn and hands it over together at the turn's
 * check phase (setImmediate): every frame that arrived in one poll phase shares one hand-off.
 * Optionally (`earlyPerTurn`) the first few tasks of a turn hand over as they end instead.
 * The store's two hot paths use it: the writer thread's outbox (one postMessage per turn instead
 * of one per update: ~34 µs of main-thread CPU each under the 200×3 bench) and the update
 * journal (one write per socket read, or per turn when a turn is busy, instead of one per update).
 *
 * Optionally a batch is handed over early, from `push`, once it holds `maxItems` or its first item
 * waited `maxWaitMs`. A saturated server's poll phase can run for seconds (every socket with data
 * is read before the check phase: one turn of the 1000×3 @ 5/s sync bench took 2.4 s), and
 * whatever waits for the turn's end waits that long: the journal relays an update only once it is
 * written.
 */
export interface TurnBatchLimits {
  maxItems: number;
  maxWaitMs: number;
  now?: () => number;
  /**
   * Hand over at the end of the current task (a microtask: for a socket, once every frame of that
   * read is handled), up to this many times per turn; after that, at the turn's end as usual.
   */
  earlyPerTurn?: number;
}

export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled = false;
  private microScheduled = false;
  /** early hand-overs in this turn (see earlyPerTurn) */
  private early = 0;
  /** when the batch's first item was pushed (only kept with limits) */
  private since = 0;

  constructor(
    private readonly handOver: (items: T[]) => void,
    private readonly limits: TurnBatchLimits | null = null,
  ) {}

  push(item: T): void {
    this.items.push(item);
    const limits = this.limits;
    if (limits) {
      const now = limits.now ? limits.now() : performance.now();
      if (this.items.length === 1) this.since = now;
      // the turn's scheduled run stays scheduled (it finds whatever came after)
      else if (this.items.length >= limits.maxItems || now - this.since >= limits.maxWaitMs) return this.take();
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    if (!this.microScheduled && limits?.earlyPerTurn !== undefined && this.early < limits.earlyPerTurn) {
      this.microScheduled = true;
      queueMicrotask(this.flushEarly);
    }
  }

  /** Hands over what is waiting now, if anything (the scheduled run then finds nothing). */
  readonly flush = (): void => {
    this.scheduled = false;
    this.early = 0;
    this.take();
  };

  private readonly flushEarly = (): void => {
    this.microScheduled = false;
    this.early++;
    this.take();
  };

  private take(): void {
    const items = this.items;
    if (items.length === 0) return;
    this.items = [];
    this.handOver(items);
  }
}
