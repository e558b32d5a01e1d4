import { describe, expect, it } from 'vitest';
import { median, percentile, TAIL_EVENT_REACH, tailReport } from '../bench/stats.js';

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
});
