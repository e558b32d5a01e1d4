/**
 * A token bucket in bytes: what one room's sockets may make the server chew through, together.
 * The server is one event loop for every room, and its work grows with the bytes it is sent (a
 * 1 MiB update is decoded, applied and stored; a 10,000-entry awareness message is parsed), so an
 * unthrottled room can starve all the others (the abuse bench measured a healthy room's p99 at
 * 9.5x its usual while another room was flooded). A spender over budget is paused, not closed:
 * a legitimate burst (a big paste) only waits.
 */
export class ByteBudget {
  private tokens: number;
  private at: number;

  constructor(
    readonly bytesPerSec: number,
    /** what may be spent at once after a quiet spell */
    readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = clock();
  }

  /**
   * Takes `bytes` and says how long (ms) the spender should pause before sending more; 0 means
   * go on. The debt is floored at one burst, so a single large charge (a whole document sent to a
   * joiner) never pauses anyone for longer than burst / rate.
   */
  spend(bytes: number): number {
    this.refill();
    this.tokens = Math.max(-this.burst, this.tokens - bytes);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.bytesPerSec) * 1000);
  }

  /** Spent past empty: the room's senders are paused until this is repaid. */
  get inDebt(): boolean {
    this.refill();
    return this.tokens < 0;
  }

  /** Back to a full bucket: nothing remembered, safe to forget. */
  get full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.bytesPerSec) / 1000);
    this.at = now;
  }
}
