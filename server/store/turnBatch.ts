/**
 * Collects what is pushed during one event-loop turn and hands it over together at the turn's
 * check phase (setImmediate): every frame that arrived in one poll phase shares one hand-off.
 * The store's two hot paths use it: the writer thread's outbox (one postMessage per turn instead
 * of one per update: ~34 µs of main-thread CPU each under the 200×3 bench) and the update
 * journal (one write per turn instead of one per update).
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly handOver: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Hands over what is waiting now, if anything (the scheduled run then finds nothing). */
  readonly flush = (): void => {
    this.scheduled = false;
    const items = this.items;
    if (items.length === 0) return;
    this.items = [];
    this.handOver(items);
  };
}
