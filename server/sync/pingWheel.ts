/**
 * Which sockets to ping now: each socket once per interval, a slice of them at a time.
 *
 * Why: pinging every socket in one timer callback held the event loop for as long as it took to
 * write them all, since each ping is a socket write (a syscall of 15–40 µs on the 2-core bench VM).
 * A CPU profile of the 200×3 sync bench (600 sockets) showed that callback as a 25 ms stretch
 * without a break, the longest after a garbage collection; at 1000×3 it is 3,000 writes in one
 * go. The bare relay has a timer per socket, so its pings fall wherever its sockets opened.
 *
 * Here the interval is cut into `slots`: a socket joins the slot that holds the fewest (so a burst
 * of joins is spread too), and each tick takes the next slot in turn. A socket is visited once
 * per `slots` ticks, its first visit at most one interval after it joins, as before.
 */
export class PingWheel<T> {
  private readonly slots: Array<Set<T>>;
  private readonly slotOf = new Map<T, Set<T>>();
  private next = 0;

  constructor(slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`a ping wheel needs at least one slot, not ${slots}`);
    this.slots = Array.from({ length: slots }, () => new Set<T>());
  }

  /** How many slots an interval is cut into so that a tick comes about every `tickMs`. */
  static slotsFor(intervalMs: number, tickMs: number): number {
    return Math.max(1, Math.round(intervalMs / tickMs));
  }

  get size(): number {
    return this.slotOf.size;
  }

  add(item: T): void {
    if (this.slotOf.has(item)) return;
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.size < slot.size) slot = s;
    slot.add(item);
    this.slotOf.set(item, slot);
  }

  remove(item: T): void {
    this.slotOf.get(item)?.delete(item);
    this.slotOf.delete(item);
  }

  /**
   * The items whose turn it is (a copy: the caller may remove them as it goes), and whether this
   * tick began a new round of the wheel (for work that is due once per interval).
   */
  tick(): { due: T[]; round: boolean } {
    const round = this.next === 0;
    const due = [...this.slots[this.next]!];
    this.next = (this.next + 1) % this.slots.length;
    return { due, round };
  }
}
