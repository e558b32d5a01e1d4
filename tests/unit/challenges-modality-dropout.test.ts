// modality-dropout: a float64 implementation passes every vector; the inverted drop test (u < p
// keeps), no keep-one rule, and a mean over all M modalities (counting dropped ones as zeros) fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain, type Matrix } from '../support/challengeHarness.js';

function dropout({ inverted = false, noRescue = false, divideByAll = false } = {}) {
  return (features: Matrix[], present: Matrix, pDrop: number[], uniforms: Matrix, training: boolean) => {
    const keep = present.map((row, b) => {
      if (!training) return [...row];
      const survive = row.map((p, m) => (p === 1 && (inverted ? uniforms[b]![m]! < pDrop[m]! : uniforms[b]![m]! >= pDrop[m]!) ? 1 : 0));
      if (noRescue || survive.includes(1) || !row.includes(1)) return survive;
      let best = -1;
      row.forEach((p, m) => {
        if (p === 1 && (best < 0 || uniforms[b]![m]! > uniforms[b]![best]!)) best = m;
      });
      return survive.map((_, m) => (m === best ? 1 : 0));
    });
    const fused = features.map((mods, b) => {
      const count = divideByAll ? mods.length : keep[b]!.reduce((a, x) => a + x, 0);
      return mods[0]!.map((_, c) => (count === 0 ? 0 : mods.reduce((s, f, m) => s + keep[b]![m]! * f[c]!, 0) / count));
    });
    return { keep, fused };
  };
}

describe('modality-dropout', () => {
  it('accepts a float64 implementation on every case', async () => {
    expect(failures(await judgePlain('modality-dropout', dropout()))).toEqual([]);
  });

  it('fails the inverted drop test (keeping when u < p)', async () => {
    expect(failures(await judgePlain('modality-dropout', dropout({ inverted: true }))).length).toBeGreaterThanOrEqual(4);
  });

  it('fails without the keep-one rule', async () => {
    expect(failures(await judgePlain('modality-dropout', dropout({ noRescue: true })))).toContain('case: high drop rates: the keep-one rule');
  });

  it('fails a mean over all M modalities', async () => {
    expect(failures(await judgePlain('modality-dropout', dropout({ divideByAll: true }))).length).toBeGreaterThanOrEqual(4);
  });
});
