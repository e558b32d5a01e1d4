import { describe, expect, it } from 'vitest';
import { bootstrapPooledRatio, LatencyHistogram, median, percentile, pooledPercentile, seededRandom, TAIL_EVENT_REACH, tailReport } from '../bench/stats.js';

describe('bench stats', () => {
  it('median: the middle value, the mean of the middle two for an even count, NaN when empty; the input is left as it was', () => {
    const xs = [9, 1, 5];
    expect(median(xs)).toBe(5);
    expect(xs).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 2])).toBe(6); // numeric order, not string order
    expect(median([])).toBeNaN();
  });

  it('percentile: nearest rank of an ascending array', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });

  it('tailReport: the slowest deliveries by stretch of sending time, and those a pause caught', () => {
    const from = 1_000_000;
    // 200 deliveries, one every 10 ms over 2 s; six slow ones: four sent in [500, 600) ms, two far apart
    const sentAt = Float64Array.from({ length: 200 }, (_, i) => from + i * 10);
    const latency = Float64Array.from({ length: 200 }, () => 1);
    for (const i of [50, 52, 55, 59]) latency[i] = 20;
    latency[120] = 8;
    latency[190] = 30;
    // a pause at 600 ms: the four sent at 500–590 ms (arriving 520–610) are in flight within its reach
    const pause = from + 600;
    expect(pause - TAIL_EVENT_REACH.beforeMs).toBeLessThanOrEqual(from + 520);
    const report = tailReport(latency, sentAt, 8, [pause], { from });
    expect(report).toEqual({ count: 6, stretches: 3, busiest: { count: 4, atMs: 500 }, nearEvents: 4, events: 1 });
    // nothing above the threshold, no events
    expect(tailReport(latency, sentAt, 100, [], { from })).toEqual({ count: 0, stretches: 0, busiest: { count: 0, atMs: 0 }, nearEvents: 0, events: 0 });
  });
  it('LatencyHistogram: a value on a bucket edge is in the bucket it closes, the next value up in the next one', () => {
    for (const bucket of [1, 7, 100, 693, 1500]) {
      const edge = LatencyHistogram.upperEdge(bucket);
      expect(LatencyHistogram.bucketOf(edge)).toBe(bucket);
      expect(LatencyHistogram.bucketOf(edge * 1.000001)).toBe(bucket + 1);
      expect(LatencyHistogram.bucketOf(LatencyHistogram.upperEdge(bucket - 1) * 1.000001)).toBe(bucket);
    }
    expect(LatencyHistogram.bucketOf(0)).toBe(0);
    expect(LatencyHistogram.bucketOf(-3)).toBe(0);
    expect(LatencyHistogram.bucketOf(LatencyHistogram.FLOOR_MS)).toBe(0);
  });

  it('LatencyHistogram: a percentile is at most 1% above the exact nearest-rank value, never below it', () => {
    const random = seededRandom(7);
    // long-tailed, like delivery latencies: mostly ~1 ms, a few up to hundreds
    const values = Float64Array.from({ length: 20_000 }, () => 0.3 + -Math.log(1 - random()) * (random() < 0.02 ? 80 : 0.8));
    const h = LatencyHistogram.of(values);
    const sorted = values.slice().sort();
    expect(h.total).toBe(values.length);
    for (const p of [1, 50, 90, 99, 99.9, 100]) {
      const exact = percentile(sorted, p);
      expect(h.percentile(p)).toBeGreaterThanOrEqual(exact);
      expect(h.percentile(p)).toBeLessThanOrEqual(exact * LatencyHistogram.GROWTH);
    }
    expect(new LatencyHistogram().percentile(99)).toBeNaN();
  });

  it('pooledPercentile: histograms pooled read the same as one histogram of all their values; the JSON pairs read back the same', () => {
    const random = seededRandom(11);
    const rounds = [1, 3, 9].map((scale) => Float64Array.from({ length: 3000 }, () => random() * scale));
    const hs = rounds.map((r) => LatencyHistogram.of(r));
    const all = LatencyHistogram.of(Float64Array.from(rounds.flatMap((r) => [...r])));
    for (const p of [50, 99]) expect(pooledPercentile(hs, p)).toBe(all.percentile(p));
    // the pooled p99 is set by the slow round, which a median of the rounds' p99s would not show
    expect(pooledPercentile(hs, 99)).toBeGreaterThan(hs[1]!.percentile(99));
    const back = LatencyHistogram.fromPairs(JSON.parse(JSON.stringify(all.toPairs())) as Array<[number, number]>);
    expect(back.total).toBe(all.total);
    expect(back.percentile(99)).toBe(all.percentile(99));
    expect(new LatencyHistogram().merge(hs[0]!).merge(hs[2]!).percentile(99)).toBe(pooledPercentile([hs[0]!, hs[2]!], 99));
  });

  it('bootstrapPooledRatio: a steady 2× gap gives a narrow interval around 2; rounds that disagree give an interval across them', () => {
    const random = seededRandom(3);
    const round = (scale: number) => LatencyHistogram.of(Float64Array.from({ length: 4000 }, () => (1 + random()) * scale));
    const steadyA = [2, 2, 2, 2, 2].map(round);
    const steadyB = [1, 1, 1, 1, 1].map(round);
    const steady = bootstrapPooledRatio(steadyA, steadyB, 99, { seed: 5 });
    expect(steady.ratio).toBeCloseTo(2, 1);
    expect(steady.low).toBeGreaterThan(1.9);
    expect(steady.high).toBeLessThan(2.1);
    // one round of each server three times slower than its others: whether a resample holds it decides the ratio
    const unsettledA = [1, 1, 3, 1, 1].map(round);
    const unsettledB = [1, 3, 1, 1, 1].map(round);
    const unsettled = bootstrapPooledRatio(unsettledA, unsettledB, 99, { seed: 5 });
    expect(unsettled.low).toBeLessThan(0.6);
    expect(unsettled.high).toBeGreaterThan(1.6);
    expect(unsettled.low).toBeLessThanOrEqual(unsettled.ratio);
    expect(unsettled.high).toBeGreaterThanOrEqual(unsettled.ratio);
    // the same seed draws the same resamples
    expect(bootstrapPooledRatio(unsettledA, unsettledB, 99, { seed: 5 })).toEqual(unsettled);
    expect(bootstrapPooledRatio([], unsettledB, 99).low).toBeNaN();
  });

  it('bootstrapPooledRatio, paired: a window slow for both servers stays on both sides of the ratio', () => {
    const random = seededRandom(9);
    const round = (scale: number) => LatencyHistogram.of(Float64Array.from({ length: 4000 }, () => (1 + random()) * scale));
    // the same machine in each window: round 2 three times slower for both
    const a = [1, 3, 1, 1, 1].map(round);
    const b = [1, 3, 1, 1, 1].map(round);
    const paired = bootstrapPooledRatio(a, b, 99, { seed: 5, paired: true });
    expect(paired.low).toBeGreaterThan(0.9);
    expect(paired.high).toBeLessThan(1.1);
    // drawn on their own, a resample can hold the slow window for one server and not the other
    const apart = bootstrapPooledRatio(a, b, 99, { seed: 5 });
    expect(apart.low).toBeLessThan(0.6);
    expect(apart.high).toBeGreaterThan(1.6);
    expect(() => bootstrapPooledRatio(a, b.slice(1), 99, { paired: true })).toThrow(/paired rounds: 5 against 4/);
  });
});
