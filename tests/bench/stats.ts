/**
 * Small numeric and formatting helpers shared by the bench suites.
 * No dependencies: a bench must not be skewed by the cost of its own bookkeeping.
 */

/**
 * An append-only sample buffer. Samples go into one growing Float64Array instead of a JS array
 * so thousands of pushes per second allocate nothing (amortised) and sorting is numeric and fast.
 */
export class Samples {
  private buf: Float64Array;
  private count = 0;

  constructor(initialCapacity = 4096) {
    this.buf = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.count++] = value;
  }

  /** A copy in the order the values came. */
  inOrder(): Float64Array {
    return this.buf.slice(0, this.count);
  }

  /** A sorted copy; the buffer itself keeps arrival order. */
  sorted(): Float64Array {
    return this.buf.slice(0, this.count).sort();
  }
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sortedAscending: Float64Array, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sortedAscending[rank - 1]!;
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: Samples): Distribution {
  const sorted = samples.sorted();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** Where in a window the slowest deliveries fell, and how many of them a server pause explains. */
export interface TailReport {
  /** deliveries at or above the threshold (the run's p99) */
  count: number;
  /** how many `bucketMs` stretches of sending time they fall in */
  stretches: number;
  /** the stretch holding the most of them: how many, and when it began (ms after the window opened) */
  busiest: { count: number; atMs: number };
  /** of them, how many were in flight around one of the events (see TAIL_EVENT_REACH) */
  nearEvents: number;
  events: number;
}

/**
 * How far around an event (a server's full garbage collection, timed at its final pause) a
 * delivery counts as caught by it: marking runs for 40–80 ms before that pause (V8's own
 * `--trace-gc` walltime), and what queued behind it arrives after.
 */
export const TAIL_EVENT_REACH = { beforeMs: 150, afterMs: 50 };

/**
 * The deliveries whose latency is at or above `threshold`: in how many `bucketMs` stretches of
 * the window (by the time each was sent) they fall, the busiest stretch, and how many were in
 * flight around one of `events` (epoch ms). One stretch holding most of them says p99 measured
 * one pause, not the server's steady pace. `sentAt` and `events` are epoch ms; `from` opens the window.
 */
export function tailReport(
  latencyMs: ArrayLike<number>,
  sentAt: ArrayLike<number>,
  threshold: number,
  events: readonly number[],
  { from, bucketMs = 100 }: { from: number; bucketMs?: number },
): TailReport {
  const buckets = new Map<number, number>();
  let count = 0;
  let nearEvents = 0;
  for (let i = 0; i < latencyMs.length; i++) {
    const latency = latencyMs[i]!;
    if (!(latency >= threshold)) continue;
    count++;
    const sent = sentAt[i]!;
    const bucket = Math.floor((sent - from) / bucketMs);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    const arrived = sent + latency;
    if (events.some((at) => sent <= at + TAIL_EVENT_REACH.afterMs && arrived >= at - TAIL_EVENT_REACH.beforeMs)) nearEvents++;
  }
  let busiest = { count: 0, atMs: 0 };
  for (const [bucket, n] of buckets) if (n > busiest.count || (n === busiest.count && bucket * bucketMs < busiest.atMs)) busiest = { count: n, atMs: bucket * bucketMs };
  return { count, stretches: buckets.size, busiest, nearEvents, events: events.length };
}

/** Seeded PRNG (mulberry32, the challenges' own) so two servers in one run see the same jitter schedule. */
export { mulberry32 as seededRandom } from '../../questions/_lib/rng.js';

export function fixed(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

export type Align = 'left' | 'right';

/** A plain-text table for the console. Numbers read best right-aligned. */
export function textTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) =>
    (align[i] ?? 'left') === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
  const line = (cells: string[]) => cells.map((c, i) => pad(c, i)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A GitHub-flavoured Markdown table (the lead pastes it into the README). */
export function markdownTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  const rule = headers.map((_, i) => ((align[i] ?? 'left') === 'right' ? '---:' : '---'));
  return [headers, rule, ...rows]
    .map((cells, r) => `| ${(r === 1 ? cells : cells.map(esc)).join(' | ')} |`)
    .join('\n');
}
