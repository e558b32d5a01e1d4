// rmsnorm: a float64 implementation passes every vector and the batch-permutation property;
// the common mistakes (eps outside the root, LayerNorm's mean subtraction) fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain, mean } from '../support/challengeHarness.js';

type X = number[][][];
const rmsNorm = (epsOutside: boolean, centre: boolean) => (x: X, gain: number[], eps: number) =>
  x.map((seq) =>
    seq.map((v) => {
      const m = centre ? mean(v) : 0;
      const c = v.map((e) => e - m);
      const ms = mean(c.map((e) => e * e));
      const denom = epsOutside ? Math.sqrt(ms) + eps : Math.sqrt(ms + eps);
      return c.map((e, i) => (e / denom) * gain[i]!);
    }),
  );

describe('rmsnorm', () => {
  it('accepts a float64 implementation on every case and property', async () => {
    const result = await judgePlain('rmsnorm', rmsNorm(false, false));
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.name)).toEqual(['batch-permutation equivariance']);
  });

  it('fails eps added outside the square root', async () => {
    expect(failures(await judgePlain('rmsnorm', rmsNorm(true, false)))).toContain('case: tiny activations: eps 1e-5 dominates the mean square');
  });

  it('fails LayerNorm’s mean subtraction', async () => {
    expect(failures(await judgePlain('rmsnorm', rmsNorm(false, true)))).toContain('case: batch of 2, vectors with a non-zero mean');
  });

  it('fails a batch-coupled implementation (one RMS for the whole batch)', async () => {
    const coupled = (x: X, gain: number[], eps: number) => {
      const all = x.flat(2);
      const denom = Math.sqrt(mean(all.map((e) => e * e)) + eps);
      return x.map((seq) => seq.map((v) => v.map((e, i) => (e / denom) * gain[i]!)));
    };
    expect(failures(await judgePlain('rmsnorm', coupled))).toContain('case: batch of 2, vectors with a non-zero mean');
  });
});
