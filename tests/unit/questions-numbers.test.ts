// Issue 16, "fix these errors": every number a guide states is recomputed here from its inputs and
// then looked up in the guide's text, and the guides' reference implementations are run, as
// written in the Markdown, against their linked challenge's vectors and against their own claims.
import fs from 'node:fs';
import path from 'node:path';
// The code pad registers chained ops (x.reshape(…)) and the guides are written in that style.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { transform } from 'sucrase';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareValues } from '../../shared/challenge.js';
import type { Tf } from '../../shared/challengeSpec.js';
import type { ChallengeDefinition } from '../../questions/_lib/define.js';
import { CHALLENGES } from '../../questions/index.js';
import { mulberry32 } from '../../questions/_lib/rng.js';
import { DEFAULT_CHALLENGE_SEED } from '../../server/challenges/registry.js';
import { computeCases, cpuTf, runReference } from '../../server/challenges/vectors.js';
import { defaultQuestionsDir } from '../../server/questions/load.js';

const GIB = 2 ** 30;
const KIB = 2 ** 10;

/** The interviewer guide of a question file, line breaks folded so phrases wrapped across lines match. */
function guideOf(file: string): string {
  const text = fs.readFileSync(path.join(defaultQuestionsDir(), file), 'utf8');
  const start = text.indexOf('## Interviewer guide');
  if (start < 0) throw new Error(`test bug: ${file} has no interviewer guide`);
  return text.slice(start).replace(/\s+/g, ' ');
}

/**
 * The function `name` from the guide's ```ts blocks, compiled the way the code pad compiles a
 * snippet (types stripped) with `tf` in scope. Other functions in the same block come along.
 */
function guideFunction<F>(file: string, name: string, tf: Tf): F {
  const text = fs.readFileSync(path.join(defaultQuestionsDir(), file), 'utf8');
  const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes(`function ${name}(`));
  if (!block) throw new Error(`${file}: no \`function ${name}(\` in a ts block`);
  const js = transform(block, { transforms: ['typescript'] }).code;
  return new Function('tf', `${js}\nreturn ${name};`)(tf) as F;
}

const challenge = (id: string) => {
  const found = CHALLENGES.find((c) => c.id === id);
  if (!found) throw new Error(`test bug: no challenge ${id}`);
  return found;
};

let tf: Tf;
beforeAll(async () => {
  tf = await cpuTf();
});

describe('guide reference implementations pass their linked challenge', () => {
  // [question file, function name, challenge id]: the guide's signature is the challenge's.
  const linked: Array<[string, string, string]> = [
    ['q01-self-attention/question.md', 'scaledDotProductAttention', 'scaled-dot-product-attention'],
    ['q02-long-sequence-transformer/question.md', 'localGlobalMask', 'sliding-window-mask'],
    ['q04-rlhf-70b/question.md', 'gae', 'gae'],
    ['q05-ddpm-vs-ddim/question.md', 'ddimStep', 'ddim-step'],
  ];
  for (const [file, name, id] of linked) {
    it(`${file}: ${name} passes every case of ${id}, on three seeds`, async () => {
      const fn = guideFunction<(...args: unknown[]) => ReturnType<ChallengeDefinition['reference']>>(file, name, tf);
      const definition: ChallengeDefinition = { ...challenge(id), reference: (_tf, ...args) => fn(...args) };
      for (const seed of [DEFAULT_CHALLENGE_SEED, 1, 2]) {
        for (const c of await computeCases(challenge(id), seed)) {
          const result = compareValues(runReference(tf, definition, c.inputs), c.expected, c.tolerance);
          expect(result.pass, `${id} seed ${seed}, ${c.name}: ${result.message ?? ''}`).toBe(true);
        }
      }
    });
  }
});

describe('q01: fully masked rows', () => {
  const softmax = (row: number[]) => {
    const max = Math.max(...row);
    const e = row.map((x) => Math.exp(x - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };

  it('adding −1e9 is uniform only by float32 rounding: float64 or large scores are not', () => {
    const added = (scores: number[], round: (x: number) => number) => softmax(scores.map((s) => round(round(s) + round(-1e9))));
    const f32 = Math.fround;
    // float32, small scores: the scores fall below the spacing of floats near 1e9 (64).
    expect(added([0.3, -1.2, 2], f32)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    // float64: the row is the unmasked softmax, not uniform.
    expect(added([0.3, -1.2, 2], (x) => x)[2]).toBeCloseTo(softmax([0.3, -1.2, 2])[2]!, 6);
    // float32 with scores in the hundreds: far from uniform.
    expect(Math.max(...added([300, 0, -300], f32))).toBeGreaterThan(0.99);
  });

  it('the guide and the challenge state the same convention: zeros', async () => {
    expect(guideOf('q01-self-attention/question.md')).toContain('its output is the zero vector');
    expect(challenge('scaled-dot-product-attention').statement).toContain('output is the zero vector');
    // And the challenge's vectors hold it: the padded-queries case has all-zero output rows.
    const cases = await computeCases(challenge('scaled-dot-product-attention'), DEFAULT_CHALLENGE_SEED);
    const padded = cases.find((c) => c.name.startsWith('padded queries'))!;
    const out = padded.expected as { shape: number[]; data: number[] };
    const [, n, dV] = out.shape as [number, number, number];
    // Example 1 has 4 real positions of 6: its queries 4 and 5 see no key.
    const row = (b: number, i: number) => out.data.slice((b * n + i) * dV, (b * n + i + 1) * dV);
    expect(row(1, 4).every((x) => x === 0) && row(1, 5).every((x) => x === 0)).toBe(true);
    expect(row(1, 3).some((x) => x !== 0)).toBe(true);
  });

  it('a materialised 32k × 32k score tensor, 32 heads, fp16, is 64 GiB per layer', () => {
    const n = 32 * 1024;
    expect((n * n * 32 * 2) / GIB).toBe(64);
    expect(guideOf('q01-self-attention/question.md')).toContain('$32\\text{k} \\times 32\\text{k} \\times 32 \\times 2$ bytes $\\approx 64$ GiB');
  });
});

describe('q02: the million-token numbers', () => {
  const guide = guideOf('q02-long-sequence-transformer/question.md');
  const d = 4096;
  const layers = 32;
  const heads = 32;
  const tokens = 1e6;

  it('KV cache: 512 KiB per token, 488 GiB for 10⁶ tokens, 122 GiB with 8 of 32 KV heads', () => {
    const perToken = 2 * d * 2 * layers; // K and V, bf16, every layer
    expect(perToken / KIB).toBe(512);
    const full = (perToken * tokens) / GIB;
    const gqa = full * (8 / heads);
    expect(guide).toContain(`= ${perToken / KIB}$ KiB per token`);
    expect(guide).toContain(`$\\approx ${Math.round(full)}$ GiB with full multi-head`);
    expect(guide).toContain(`≈ ${Math.round(gqa)} GiB`);
    expect(Math.round(full)).toBe(488);
    expect(Math.round(gqa)).toBe(122);
  });

  it('608 keys per query instead of 10⁶: about 1,645× fewer scores', () => {
    const keys = 512 + 64 + 32;
    expect(guide).toContain(`$w + g + r \\approx 512 + 64 + 32 = ${keys}$ keys`);
    expect(guide).toContain(`$10^6 / ${keys} \\approx ${Math.round(tokens / keys)}\\times$`);
  });

  it('the guide states the width, heads and layers the diagram uses', () => {
    expect(guide).toContain(`width $d = ${d}$, ${heads} heads of ${d / heads}, ${layers} layers`);
  });
});

describe('q08: modality dropout rates', () => {
  type Dropout = (present: number[][], pDrop: number, random: () => number) => number[][];
  const p = 0.3;
  const N = 60_000;

  it('the guide’s modalityDropout drops a modality at p − pᵏ/k, not p, and the guide says so', () => {
    const dropout = guideFunction<Dropout>('q08-missing-modalities/question.md', 'modalityDropout', tf);
    const guide = guideOf('q08-missing-modalities/question.md');
    const random = mulberry32(16);
    for (const k of [1, 2, 3]) {
      const row = [1, 1, 1].map((_, i) => (i < k ? 1 : 0));
      const out = dropout(Array.from({ length: N }, () => row), p, random);
      expect(out.every((r) => r.includes(1))).toBe(true);
      const dropped = out.reduce((sum, r) => sum + r.slice(0, k).filter((x) => x === 0).length, 0);
      const rate = dropped / (N * k);
      const predicted = p - p ** k / k;
      expect(Math.abs(rate - predicted), `k = ${k}: ${rate}`).toBeLessThan(0.006);
      // The old claim, "the empirical drop rate matches pDrop", fails for every k.
      expect(Math.abs(rate - p), `k = ${k}`).toBeGreaterThan(0.006);
      const stated = predicted === 0 ? 'and 0 with one' : `${Number(predicted.toFixed(3))} with ${['', '', 'two', 'three'][k]}`;
      expect(guide).toContain(stated);
      if (k === 3) {
        const someDropped = out.filter((r) => r.includes(0)).length / N;
        expect(Math.abs(someDropped - (1 - (1 - p) ** 3))).toBeLessThan(0.01);
        expect(guide).toContain(`$1 - 0.7^3 \\approx ${Math.round(100 * (1 - (1 - p) ** 3))}\\%$ of examples`);
      }
    }
  });
});

describe('q11: pipeline bubble and training time', () => {
  const guide = guideOf('q11-training-100b-models/question.md');
  const bubble = (p: number, m: number) => (p - 1) / (m + p - 1);

  it('p = 8: m = 32 idles 18%; m ≥ 63 keeps the bubble within 10%, and the guide’s own check agrees', () => {
    expect(guide).toContain(`$m = 32$ still idles $7/39 \\approx ${Math.round(100 * bubble(8, 32))}\\%$`);
    let m = 1;
    while (bubble(8, m) > 0.1) m++;
    expect(m).toBe(63);
    expect(guide).toContain(`needs $m \\ge ${m}$`);
    type Plan = { dataParallel: number; pipelineParallel: number; tensorParallel: number; microBatches: number };
    const planProblems = guideFunction<(plan: Plan, gpus: number, perNode: number) => string[]>('q11-training-100b-models/question.md', 'planProblems', tf);
    const plan = { dataParallel: 4, pipelineParallel: 8, tensorParallel: 8, microBatches: m };
    expect(planProblems(plan, 256, 8)).toEqual([]);
    expect(planProblems({ ...plan, microBatches: 32 }, 256, 8)).toEqual(['pipeline bubble is 18%: use more micro-batches']);
  });

  it('100B parameters on 2 × 10¹² tokens: ≈ 435 days on 256 A100s at 40% MFU, ≈ 137 on H100s', () => {
    const flops = 6 * 1e11 * 2e12;
    expect(flops).toBe(1.2e24);
    const days = (peakPerGpu: number) => flops / (256 * peakPerGpu * 0.4) / 86_400;
    expect(guide).toContain(`256 A100s ($312 \\times 10^{12}$ dense bf16 FLOP/s each) at 40% MFU`);
    expect(guide).toContain(`$\\approx ${Math.round(days(312e12))}$ days`);
    expect(guide).toContain(`take $\\approx ${Math.round(days(989e12))}$ days`);
    expect(Math.round(days(312e12))).toBe(435);
  });
});

describe('q12: inference numbers', () => {
  const guide = guideOf('q12-efficient-multimodal-inference/question.md');

  it('KV cache: 32 layers × 32 heads × 128 dims in fp16 is 512 KiB per token, 2 GiB for 4k tokens', () => {
    const perToken = 2 * 32 * 32 * 128 * 2;
    expect(guide).toContain(`= ${perToken / KIB}$ KiB per token, so 4k tokens $\\approx ${(perToken * 4096) / GIB}$ GiB`);
  });

  it('speculative decoding: (1 − α^{k+1})/(1 − α) tokens per target pass, α = 0.8, k = 4', () => {
    const tokens = (1 - 0.8 ** 5) / (1 - 0.8);
    expect(guide).toContain(`\\frac{1 - 0.8^5}{0.2} \\approx ${tokens.toFixed(2)}`);
  });
});

describe('text fixes without a number', () => {
  it('q04 says when advantages are whitened, and the challenge keeps them raw', () => {
    const guide = guideOf('q04-rlhf-70b/question.md');
    expect(guide).not.toContain('whiten advantages over the batch.');
    expect(guide).toContain("The returns Rₜ (the critic's targets) always use the *raw* advantages");
    expect(challenge('ppo-clipped-gae').statement).toContain('not whitened');
  });

  it('q05 counts timesteps from 0, as both diffusion challenges do', () => {
    const guide = guideOf('q05-ddpm-vs-ddim/question.md');
    expect(guide).not.toMatch(/β₁ … β_T|α₁·α₂/);
    expect(guide).toContain('$\\beta_0, \\dots, \\beta_{T-1}$, $\\alpha_t = 1 - \\beta_t$, $\\bar\\alpha_t = \\prod_{i=0}^{t} \\alpha_i$, and $\\bar\\alpha_{-1} = 1$');
    expect(challenge('ddpm-step').statement).toContain('timesteps counted from 0');
  });

  it('q06 says training and sampling share one null condition', () => {
    expect(guideOf('q06-classifier-free-guidance/question.md')).toContain('Sampling must use the very null condition training used');
  });

  it('q09 chunks with the quadratic form of the same kernel, not softmax', () => {
    const guide = guideOf('q09-efficient-attention-research/question.md');
    expect(guide).not.toContain('exact attention inside chunks');
    expect(guide).toContain('the same linear kernel in its quadratic form');
  });
});

describe('q09: the chunked form of causal linear attention', () => {
  // Plain float64 arrays: the claim is algebraic, so no tolerance beyond round-off is needed.
  type M = number[][];
  const matmul = (a: M, b: M) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
  const transpose = (a: M) => a[0]!.map((_, j) => a.map((row) => row[j]!));
  const add = (a: M, b: M) => a.map((row, i) => row.map((x, j) => x + b[i]![j]!));
  const random = mulberry32(9);
  const matrix = (rows: number, cols: number, positive = false) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => (positive ? 0.1 + random() : random() - 0.5)));
  const n = 12;
  const d = 4;
  const dV = 3;
  const fq = matrix(n, d, true); // φ(Q), φ(K): positive, as elu + 1 is
  const fk = matrix(n, d, true);
  const v = matrix(n, dV);

  /** out_i = φ(q_i)ᵀ S_i / φ(q_i)ᵀ z_i with S_i, z_i prefix sums: the generation-time form. */
  const recurrent = () => {
    let S: M = matrix(d, dV).map((r) => r.map(() => 0));
    let z: M = matrix(d, 1).map((r) => r.map(() => 0));
    return fq.map((q, i) => {
      S = add(S, matmul(transpose([fk[i]!]), [v[i]!]));
      z = add(z, transpose([fk[i]!]));
      const den = matmul([q], z)[0]![0]!;
      return matmul([q], S)[0]!.map((x) => x / den);
    });
  };

  /** The guide's chunked form; `inside` scores a chunk's queries against its keys. */
  const chunked = (c: number, inside: (q: M, k: M) => M) => {
    let S: M = matrix(d, dV).map((r) => r.map(() => 0));
    let z: M = matrix(d, 1).map((r) => r.map(() => 0));
    const out: M = [];
    for (let start = 0; start < n; start += c) {
      const q = fq.slice(start, start + c);
      const k = fk.slice(start, start + c);
      const vc = v.slice(start, start + c);
      const a = inside(q, k).map((row, i) => row.map((x, j) => (j <= i ? x : 0)));
      const num = add(matmul(a, vc), matmul(q, S));
      const den = add(a.map((row) => [row.reduce((s, x) => s + x, 0)]), matmul(q, z));
      num.forEach((row, i) => out.push(row.map((x) => x / den[i]![0]!)));
      S = add(S, matmul(transpose(k), vc));
      z = add(z, transpose(k).map((row) => [row.reduce((s, x) => s + x, 0)]));
    }
    return out;
  };

  it('the quadratic form of the same kernel inside chunks equals the recurrent form; softmax inside chunks does not', () => {
    const expected = recurrent();
    const linear = chunked(4, (q, k) => matmul(q, transpose(k)));
    linear.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 12)));
    const softmaxInside = chunked(4, (q, k) => matmul(q, transpose(k)).map((row) => row.map(Math.exp)));
    const worst = Math.max(...softmaxInside.flatMap((row, i) => row.map((x, j) => Math.abs(x - expected[i]![j]!))));
    expect(worst).toBeGreaterThan(1e-3);
    expect(guideOf('q09-efficient-attention-research/question.md')).toContain('It equals the recurrent form exactly');
  });
});
