/**
 * Which of a document's store seqs are in memory, as a watermark plus the seqs seen above a gap.
 *
 * Updates reach an instance from two places: its own clients (the store hands back their seq)
 * and the bus (other instances' seqs, which may overtake one another by about an append's
 * latency). `seq` is the highest seq below which every update is applied; `ahead` holds the seqs
 * applied past a hole. Pure: no timers, no I/O — LiveDoc decides when an open gap is old enough
 * to ask the store, and this class only says whether one is open.
 */
export class SeqWatermark {
  private value: number;
  private readonly above = new Set<number>();

  constructor(start = 0) {
    this.value = start;
  }

  /** Every update with a seq up to this one is applied. */
  get seq(): number {
    return this.value;
  }

  /** Whether some seq past the watermark is applied while one before it is not. */
  get hasGap(): boolean {
    return this.above.size > 0;
  }

  /** How many seqs wait above the gap (for logs and tests). */
  get aheadCount(): number {
    return this.above.size;
  }

  /** Whether `seq` is already applied: at or below the watermark, or seen above the gap. */
  has(seq: number): boolean {
    return seq <= this.value || this.above.has(seq);
  }

  /**
   * Records `seq` as applied. The watermark moves through every contiguous seq it now reaches;
   * a seq past a hole waits in `ahead`. A seq already applied changes nothing.
   */
  mark(seq: number): void {
    if (seq === this.value + 1) {
      this.value = seq;
      while (this.above.delete(this.value + 1)) this.value++;
    } else if (seq > this.value) {
      this.above.add(seq);
    }
  }

  /** Starts over at `seq` with no gap (the doc was rebuilt from the store up to it). */
  reset(seq: number): void {
    this.value = seq;
    this.above.clear();
  }
}
