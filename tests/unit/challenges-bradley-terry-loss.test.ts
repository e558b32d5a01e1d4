// bradley-terry-loss: a float64 softplus implementation passes every vector and the pair-order
// property; the flipped sign, a naive log σ that overflows, and ties counted right all fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain, mean } from '../support/challengeHarness.js';

/** −log σ(z) = log(1 + e^(−z)), stable on both sides. */
const softplusNeg = (z: number) => (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z)));

const loss = (sign: 1 | -1, tiesRight = false, naive = false) => (chosen: number[], rejected: number[], margin: number[]) => ({
  loss: mean(
    chosen.map((c, i) => {
      const z = sign * (c - rejected[i]!) - margin[i]!;
      // Naive: log of σ computed in float32, as an unguarded tfjs program would.
      return naive ? -Math.log(Math.fround(1 / (1 + Math.fround(Math.exp(-z))))) : softplusNeg(z);
    }),
  ),
  accuracy: mean(chosen.map((c, i) => (tiesRight ? c >= rejected[i]! : c > rejected[i]!) ? 1 : 0)),
});

describe('bradley-terry-loss', () => {
  it('accepts a float64 implementation on every case and the property', async () => {
    const result = await judgePlain('bradley-terry-loss', loss(1));
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.pass)).toEqual([true]);
  });

  it('fails the sign flipped (rewarding the rejected response)', async () => {
    expect(failures(await judgePlain('bradley-terry-loss', loss(-1))).length).toBeGreaterThanOrEqual(4);
  });

  it('fails ties counted as correct', async () => {
    expect(failures(await judgePlain('bradley-terry-loss', loss(1, true)))).toEqual(['case: two tied pairs count as wrong']);
  });

  it('fails log σ computed naively in float32 when the gap is over 100', async () => {
    expect(failures(await judgePlain('bradley-terry-loss', loss(1, false, true)))).toContain('case: reward gaps over 100 in both directions');
  });
});
