/**
 * The frames sockets deliver, handled in arrival order but in slices: each slice runs for at most
 * `budgetMs` and then hands the event loop back (timers, new connections, HTTP requests) before
 * the next one runs.
 *
 * Why: libuv reads every readable socket in one poll phase, and a frame was handled right in its
 * socket's read callback. After any pause (a scavenge, a few ms without a core) the backlog of
 * 2,000 sockets came in one poll phase and was handled in one go: CPU profiles of the 1000×2
 * sync bench showed 60–70 ms stretches without a break, a third of them garbage collection and
 * the rest frames, and the server's event loop stalled over 50 ms 14–15 times per 30 s window
 * (worst 300–390 ms). Handled in 5 ms slices, the same load stalled over 50 ms 4–5 times (worst
 * 73–130 ms, nearly all of it waiting for a core the load generator held), at the same CPU per
 * edit. Each frame still runs in the check phase of the loop turn that read it unless the turn's
 * budget is spent, so an idle server adds no latency.
 *
 * A server that is behind is another matter: at 1000×3, whose load generator sends in bursts of
 * thousands, slices throughout made p99 worse than handling each burst in one go (2.8–15.7 s
 * against 1.6 s in single runs: frames waiting in the heap outlive scavenges, and the extra
 * garbage collection takes CPU from a machine that has none to spare). So a slice that starts with
 * `drainAt` or more queued runs until the queue is empty.
 *
 * Memory is bounded: past `highWater` queued items `push` says so, and the caller stops reading
 * the socket that delivered it (TCP then pushes back on the sender, as when frames were handled
 * in the read callback); `onDrained` runs once the queue is back under `lowWater`.
 */
export interface FrameSlicesOptions {
  /** how long one slice may run (ms); the item that crosses it finishes first */
  budgetMs: number;
  /**
   * a slice that starts with at least this many items queued runs until the queue is empty: the
   * server is behind, and handling a backlog in slices costs throughput (see above)
   */
  drainAt: number;
  /** queued items above which `push` answers false */
  highWater: number;
  /** `onDrained` runs when the queue falls to this after having been above highWater */
  lowWater: number;
  /** a monotonic clock in ms (tests pass their own) */
  now?: () => number;
  /** runs a callback after the event loop's next poll (tests pass their own) */
  defer?: (fn: () => void) => void;
}

export class FrameSlices<T> {
  private items: T[] = [];
  private head = 0;
  private scheduled = false;
  private overHigh = false;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly onDrained: () => void,
    private readonly opts: FrameSlicesOptions,
  ) {
    if (!(opts.budgetMs > 0)) throw new RangeError(`a slice budget must be positive, not ${opts.budgetMs}`);
    if (!(opts.drainAt >= 1)) throw new RangeError(`a backlog to drain must be at least one item, not ${opts.drainAt}`);
    if (!(opts.lowWater >= 0 && opts.highWater > opts.lowWater)) {
      throw new RangeError(`low water (${opts.lowWater}) must be below high water (${opts.highWater})`);
    }
    this.now = opts.now ?? (() => performance.now());
    this.defer = opts.defer ?? ((fn) => setImmediate(fn));
  }

  /** Items waiting for a slice. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues an item; false when the queue is over high water (stop feeding it). */
  push(item: T): boolean {
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(this.slice);
    }
    if (this.length > this.opts.highWater) this.overHigh = true;
    return !this.overHigh;
  }

  /** Runs everything queued now, in order (shutdown: what was read is handled before sockets close). */
  flush(): void {
    this.run(Infinity);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    try {
      this.run(this.length >= this.opts.drainAt ? Infinity : this.now() + this.opts.budgetMs);
    } finally {
      if (this.length > 0 && !this.scheduled) {
        this.scheduled = true;
        this.defer(this.slice);
      }
    }
  };

  /** `handle` must not throw (the caller's handler catches what its frames throw). */
  private run(deadline: number): void {
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      // Let go of it at once: a long queue must not keep handled frames alive until it empties.
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head === this.items.length) {
        this.items.length = 0;
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        // A queue that never quite empties must not grow without end.
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (this.overHigh && this.length <= this.opts.lowWater) {
        this.overHigh = false;
        this.onDrained();
      }
      this.handle(item);
      if (deadline !== Infinity && this.now() >= deadline) break;
    }
  }
}
