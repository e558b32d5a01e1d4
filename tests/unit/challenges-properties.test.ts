// Property checks (server/challenges/properties.ts, questions/_lib/relations.ts): each
// property of an existing challenge accepts a float64 implementation and rejects the mistake it
// exists for — CFG linearity, DDIM inversion, PPO padding invariance and the chi-square test that
// speculative sampling reproduces the target — and the judge treats missing or malformed outputs
// as failures of that property alone.
import { describe, expect, it } from 'vitest';
import type { SerializedValue } from '../../shared/challenge.js';
import { chiSquareSurvival, permutation, permuteRows, rowOrder } from '../../questions/_lib/relations.js';
import { createRng } from '../../questions/_lib/rng.js';
import { DEFAULT_CHALLENGE_SEED } from '../../server/challenges/registry.js';
import { NO_PROPERTY_OUTPUT_MESSAGE, callCount, judgeProperties, propertyCalls } from '../../server/challenges/properties.js';
import { definition, failures, judgePlain, mean, type Matrix } from '../support/challengeHarness.js';

type Image = number[][][][];
const mapImage = (x: Image, f: (v: number, index: [number, number, number, number]) => number): Image =>
  x.map((a, i) => a.map((b, j) => b.map((c, k) => c.map((v, l) => f(v, [i, j, k, l])))));
const at = (x: Image, [i, j, k, l]: [number, number, number, number]) => x[i]![j]![k]![l]!;

describe('cfg-combine: linearity', () => {
  const cfg = (eps: Image, w: number) => {
    const half = eps.length / 2;
    return mapImage(eps.slice(0, half), (u, [i, j, k, l]) => u + w * (at(eps, [i + half, j, k, l]) - u));
  };

  it('accepts the plain guidance rule', async () => {
    const result = await judgePlain('cfg-combine', cfg);
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.name)).toEqual(['linearity in the guidance scale', 'linearity in the predictions']);
  });

  it('rejects a guidance that renormalises the result (CFG rescale), which is not linear', async () => {
    const rescaled = (eps: Image, w: number) => {
      const out = cfg(eps, w);
      const norm = Math.sqrt(mean(out.flat(3).map((v) => v * v)));
      return mapImage(out, (v) => v / norm);
    };
    const failed = failures(await judgePlain('cfg-combine', rescaled));
    expect(failed).toContain('property: linearity in the guidance scale');
    expect(failed).toContain('property: linearity in the predictions');
  });
});

describe('ddim-step: inversion', () => {
  const ddim = (clip: boolean) => (xT: Image, eps: Image, aT: number, aPrev: number, eta: number, noise: Image) => {
    const sigma = eta * Math.sqrt((1 - aPrev) / (1 - aT)) * Math.sqrt(1 - aT / aPrev);
    return mapImage(xT, (x, index) => {
      const e = at(eps, index);
      let x0 = (x - Math.sqrt(1 - aT) * e) / Math.sqrt(aT);
      if (clip) x0 = Math.max(-1, Math.min(1, x0));
      return Math.sqrt(aPrev) * x0 + Math.sqrt(Math.max(0, 1 - aPrev - sigma * sigma)) * e + sigma * at(noise, index);
    });
  };

  it('accepts a float64 DDIM step', async () => {
    expect(failures(await judgePlain('ddim-step', ddim(false)))).toEqual([]);
  });

  it('rejects a step that clips x̂₀ to [−1, 1], which cannot be inverted', async () => {
    expect(failures(await judgePlain('ddim-step', ddim(true)))).toContain('property: DDIM inversion');
  });
});

describe('ppo-clipped-gae: padding invariance', () => {
  interface Config {
    beta: number;
    gamma: number;
    lambda: number;
    clipEps: number;
  }
  const ppo =
    (meanOverAllSlots: boolean) =>
    (newLogp: Matrix, oldLogp: Matrix, refLogp: Matrix, values: Matrix, scores: number[], mask: Matrix, c: Config) => {
      const advantages = mask.map((row) => row.map(() => 0));
      let surrogate = 0;
      let count = 0;
      mask.forEach((row, b) => {
        const length = row.reduce((a, x) => a + x, 0);
        let next = 0;
        for (let t = length - 1; t >= 0; t--) {
          const reward = -c.beta * (oldLogp[b]![t]! - refLogp[b]![t]!) + (t === length - 1 ? scores[b]! : 0);
          const valueNext = t + 1 < length ? values[b]![t + 1]! : 0;
          next = reward + c.gamma * valueNext - values[b]![t]! + c.gamma * c.lambda * next;
          advantages[b]![t] = next;
        }
        for (let t = 0; t < length; t++) {
          const ratio = Math.exp(newLogp[b]![t]! - oldLogp[b]![t]!);
          const a = advantages[b]![t]!;
          surrogate += Math.min(ratio * a, Math.max(1 - c.clipEps, Math.min(1 + c.clipEps, ratio)) * a);
        }
        count += meanOverAllSlots ? row.length : length;
      });
      const returns = advantages.map((row, b) => row.map((a, t) => (mask[b]![t] ? a + values[b]![t]! : 0)));
      return { loss: -surrogate / count, advantages, returns };
    };

  it('accepts a float64 PPO step', async () => {
    const result = await judgePlain('ppo-clipped-gae', ppo(false));
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.name)).toEqual(['padding invariance']);
  });

  it('rejects a loss averaged over every slot, padding included', async () => {
    expect(failures(await judgePlain('ppo-clipped-gae', ppo(true)))).toContain('property: padding invariance');
  });
});

describe('speculative-acceptance: the chi-square test', () => {
  const speculative =
    (resample: 'residual' | 'target' | 'draft') =>
    (tokens: number[], draftProbs: number[][], targetProbs: number[][], uniforms: number[]) => {
      const k = tokens.length;
      const sample = (weights: number[]) => {
        const total = weights.reduce((a, b) => a + b, 0);
        let running = 0;
        const at = weights.findIndex((w) => uniforms[k]! < (running += w / total));
        return at < 0 ? weights.length - 1 : at;
      };
      const out: number[] = [];
      for (let i = 0; i < k; i++) {
        const p = targetProbs[i]!;
        const q = draftProbs[i]!;
        if (uniforms[i]! < Math.min(1, p[tokens[i]!]! / q[tokens[i]!]!)) {
          out.push(tokens[i]!);
          continue;
        }
        out.push(sample(resample === 'residual' ? p.map((pv, v) => Math.max(0, pv - q[v]!)) : resample === 'target' ? p : q));
        return out;
      }
      out.push(sample(targetProbs[k]!));
      return out;
    };

  it('accepts the rule of the paper', async () => {
    const result = await judgePlain('speculative-acceptance', speculative('residual'));
    expect(failures(result)).toEqual([]);
    expect(result.properties[0]!.calls).toBe(120);
  });

  it('rejects resampling from the target p after a rejection, and from the draft q', async () => {
    for (const wrong of ['target', 'draft'] as const) {
      const result = await judgePlain('speculative-acceptance', speculative(wrong));
      expect(result.properties[0]!.pass, wrong).toBe(false);
      expect(result.properties[0]!.message, wrong).toMatch(/χ² = [\d.]+, p-value/);
    }
  });
});

describe('the judge', () => {
  const d = definition('rmsnorm');
  const calls = propertyCalls(d, DEFAULT_CHALLENGE_SEED);

  it('draws calls from their own stream: deterministic per seed, apart from the fixed cases', () => {
    expect(JSON.stringify(propertyCalls(d, DEFAULT_CHALLENGE_SEED))).toBe(JSON.stringify(calls));
    expect(JSON.stringify(propertyCalls(d, DEFAULT_CHALLENGE_SEED + 1))).not.toBe(JSON.stringify(calls));
    expect(callCount(calls)).toBe(2);
  });

  it('fails a property whose call threw, and says so', () => {
    const [verdict] = judgeProperties(d.properties!, calls, [null, null]);
    expect(verdict).toEqual({ name: 'batch-permutation equivariance', description: d.properties![0]!.description, calls: 2, pass: false, message: NO_PROPERTY_OUTPUT_MESSAGE });
  });

  it('fails, rather than throws, on outputs of the wrong kind', () => {
    const junk: SerializedValue = { kind: 'string', value: 'nope' };
    const [verdict] = judgeProperties(d.properties!, calls, [junk, junk]);
    expect(verdict!.pass).toBe(false);
    expect(verdict!.message).toMatch(/not a \[B, T, D\] tensor/);
  });

  it('refuses a wrong number of outputs', () => {
    expect(() => judgeProperties(d.properties!, calls, [null])).toThrow(RangeError);
  });
});

describe('relation helpers', () => {
  it('chi-square survival matches closed forms', () => {
    // df 2: P(X ≥ x) = e^(−x/2); df 1 at 3.841 is the familiar 5 % point.
    for (const x of [0.5, 2, 13.8155]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 9);
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });

  it('permutations move something, and rowOrder recovers them', () => {
    const rng = createRng(3);
    const x = { kind: 'tensor' as const, shape: [4, 2], dtype: 'float32' as const, data: [1, 2, 3, 4, 5, 6, 7, 8] };
    for (let i = 0; i < 20; i++) {
      const order = permutation(rng, 4);
      expect(order.some((v, j) => v !== j)).toBe(true);
      expect(rowOrder(x, permuteRows(x, order))).toEqual(order);
    }
  });
});
