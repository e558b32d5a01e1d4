// online-softmax-attention: a float64 block-by-block online softmax passes every vector and both
// properties; forgetting to rescale the accumulator when the running maximum grows fails, and so
// does an implementation that handles the query rows unevenly.
import { describe, expect, it } from 'vitest';
import { dot, failures, judgePlain, type Matrix } from '../support/challengeHarness.js';

function tiled(rescale: boolean) {
  return (q: Matrix, k: Matrix, v: Matrix, blockSize: number) => {
    const d = q[0]!.length;
    const rows = q.map((qi) => {
      let max = -Infinity;
      let sum = 0;
      let acc = v[0]!.map(() => 0);
      for (let start = 0; start < k.length; start += blockSize) {
        const scores = k.slice(start, start + blockSize).map((kj) => dot(qi, kj) / Math.sqrt(d));
        const newMax = Math.max(max, ...scores);
        const factor = rescale ? Math.exp(max - newMax) : 1;
        sum = sum * factor;
        acc = acc.map((a) => a * factor);
        scores.forEach((s, j) => {
          const w = Math.exp(s - newMax);
          sum += w;
          acc = acc.map((a, c) => a + w * v[start + j]![c]!);
        });
        max = newMax;
      }
      return { out: acc.map((a) => a / sum), lse: max + Math.log(sum) };
    });
    return { output: rows.map((r) => r.out), logsumexp: rows.map((r) => r.lse) };
  };
}

describe('online-softmax-attention', () => {
  it('accepts a float64 online softmax on every case and both properties', async () => {
    const result = await judgePlain('online-softmax-attention', tiled(true));
    expect(failures(result)).toEqual([]);
    expect(result.properties).toHaveLength(2);
  });

  it('fails an accumulator that is not rescaled when the maximum grows', async () => {
    const failed = failures(await judgePlain('online-softmax-attention', tiled(false)));
    expect(failed).toContain('case: 3 queries, 8 keys in blocks of 4');
    expect(failed).toContain('case: scores in the hundreds: exp of a raw score overflows');
  });

  it('fails the permutation property when a query’s result depends on its row index', async () => {
    // Treats row 0 specially (a bug that a fixed vector with a lucky row 0 would not catch).
    const right = tiled(true);
    const rowBiased = (q: Matrix, k: Matrix, v: Matrix, b: number) => {
      const r = right(q, k, v, b);
      return { output: r.output.map((row, i) => (i === 0 ? row.map((x) => x + 1) : row)), logsumexp: r.logsumexp };
    };
    expect(failures(await judgePlain('online-softmax-attention', rowBiased))).toContain('property: query-permutation equivariance');
  });
});
