import { describe, expect, it } from 'vitest';
import { median, percentile } from '../bench/stats.js';

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
});
