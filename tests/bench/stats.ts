/**
 * Small numeric and formatting helpers shared by the bench suites.
 * No dependencies: a bench must not be skewed by the cost of its own bookkeeping.
 */
import { mulberry32 } from '../../questions/_lib/rng.js';

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
  return n === 0 ? Number.NaN : sortedAscending[nearestRank(p, n) - 1]!;
}

/** The 1-based rank the p-th percentile of n values is, by the nearest-rank method (n > 0). */
function nearestRank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
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
export { mulberry32 as seededRandom };

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

/**
 * Latencies counted in buckets 1% wide (from 0.01 ms), so a server's deliveries from several
 * rounds can be pooled into one distribution without keeping every sample, and rounds can be
 * resampled cheaply (`bootstrapPooledRatio`). A percentile read from it is the upper edge of its
 * bucket: within 1% above the exact nearest-rank value.
 */
export class LatencyHistogram {
  static readonly FLOOR_MS = 0.01;
  static readonly GROWTH = 1.01;
  private static readonly LOG_GROWTH = Math.log(LatencyHistogram.GROWTH);
  /** count per bucket index (sparse: only buckets that were hit) */
  readonly counts = new Map<number, number>();
  total = 0;

  static of(values: ArrayLike<number>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (let i = 0; i < values.length; i++) h.add(values[i]!);
    return h;
  }

  /** From `toPairs` (the JSON form). */
  static fromPairs(pairs: ReadonlyArray<readonly [number, number]>): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [bucket, n] of pairs) h.addCount(bucket, n);
    return h;
  }

  /** Bucket i holds values in (FLOOR · GROWTH^(i-1), FLOOR · GROWTH^i]; bucket 0 everything up to FLOOR. */
  static bucketOf(valueMs: number): number {
    if (!(valueMs > LatencyHistogram.FLOOR_MS)) return 0;
    // a value on an edge belongs to the bucket it closes, whatever the logarithm's rounding says
    let i = Math.ceil(Math.log(valueMs / LatencyHistogram.FLOOR_MS) / LatencyHistogram.LOG_GROWTH);
    if (LatencyHistogram.upperEdge(i - 1) >= valueMs) i--;
    else if (LatencyHistogram.upperEdge(i) < valueMs) i++;
    return i;
  }

  static upperEdge(bucket: number): number {
    return LatencyHistogram.FLOOR_MS * LatencyHistogram.GROWTH ** bucket;
  }

  add(valueMs: number): void {
    if (Number.isNaN(valueMs)) return;
    this.addCount(LatencyHistogram.bucketOf(valueMs), 1);
  }

  /** Adds every count of `other` to this one. */
  merge(other: LatencyHistogram): this {
    for (const [bucket, n] of other.counts) this.addCount(bucket, n);
    return this;
  }

  /** Nearest-rank percentile, as the upper edge of the bucket holding that rank; NaN when empty. */
  percentile(p: number): number {
    return pooledPercentile([this], p);
  }

  /** [bucket, count] in bucket order: the compact JSON form. */
  toPairs(): Array<[number, number]> {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  private addCount(bucket: number, n: number): void {
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.total += n;
  }
}

/** The nearest-rank percentile of the histograms taken together (a histogram listed twice counts twice). */
export function pooledPercentile(histograms: readonly LatencyHistogram[], p: number): number {
  const merged = new Map<number, number>();
  let total = 0;
  for (const h of histograms) {
    total += h.total;
    for (const [bucket, n] of h.counts) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
  }
  if (total === 0) return Number.NaN;
  const rank = nearestRank(p, total);
  let seen = 0;
  for (const bucket of [...merged.keys()].sort((a, b) => a - b)) {
    seen += merged.get(bucket)!;
    if (seen >= rank) return LatencyHistogram.upperEdge(bucket);
  }
  return Number.NaN; // not reached: the counts add up to total
}

/**
 * The two servers' pooled percentiles (`a`, `b`), their ratio, and how far that ratio can be
 * trusted, given that whole rounds differ (on a 2-core machine a round's p99 moves by ±30% with
 * what else the machine did in that window). Each of `iterations` resamples draws as many rounds as each server ran, with
 * replacement, pools them and takes the ratio; the interval is the central `level` of those
 * ratios. With three rounds a server has ten distinct draws, so the interval is coarse; it
 * says whether more rounds could decide a goal, not more than that.
 *
 * `paired`: round i of `a` and of `b` shared one window (`--paired`), so a resample draws rounds
 * as pairs, keeping what the machine did to both in that window on both sides of the ratio.
 * Alternating rounds are drawn for each server on its own.
 */
export function bootstrapPooledRatio(
  a: readonly LatencyHistogram[],
  b: readonly LatencyHistogram[],
  p: number,
  { iterations = 2000, level = 0.9, seed = 1, paired = false }: { iterations?: number; level?: number; seed?: number; paired?: boolean } = {},
): { a: number; b: number; ratio: number; low: number; high: number } {
  const pooled = { a: pooledPercentile(a, p), b: pooledPercentile(b, p) };
  const ratio = pooled.a / pooled.b;
  if (a.length === 0 || b.length === 0) return { ...pooled, ratio, low: Number.NaN, high: Number.NaN };
  if (paired && a.length !== b.length) throw new RangeError(`paired rounds: ${a.length} against ${b.length}`);
  const random = mulberry32(seed);
  const picks = (n: number) => Array.from({ length: n }, () => Math.floor(random() * n));
  const resample = (): number => {
    const ia = picks(a.length);
    const ib = paired ? ia : picks(b.length);
    return pooledPercentile(ia.map((i) => a[i]!), p) / pooledPercentile(ib.map((i) => b[i]!), p);
  };
  const ratios = Array.from({ length: iterations }, resample).sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.round(q * (ratios.length - 1))))]!;
  return { ...pooled, ratio, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}
