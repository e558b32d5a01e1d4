/** Q12: the accept/resample rule of speculative decoding, with the randomness given. */
import { EXACT, defineChallenge, list, numbers, prose, randomDistribution, type Rng, type Tf } from '../_lib/define.js';
import { chiSquareSurvival } from '../_lib/relations.js';

/**
 * The chi-square property: many one-draft steps with fresh randomness, whose first emitted token
 * must follow the target p. The draft q is deliberately far from p (half the drafts are rejected),
 * so a rule that resamples from the wrong distribution moves the counts a long way. Measured with
 * 120 draws at the default seed: the correct rule scores χ² = 0.17 (p = 0.92), resampling from p
 * instead of the residual scores 18.4 (p = 1e-4), and it failed at α = 0.001 on all 10 seeds tried
 * while the correct rule passed on all 10 (largest χ² 4.2). A correct rule fails on 0.1 % of seeds.
 */
const CHI_TARGET = [0.6, 0.3, 0.1];
const CHI_DRAFT = [0.1, 0.3, 0.6];
const CHI_DRAWS = 120;
const CHI_ALPHA = 0.001;

/** Uniforms closer than this to a threshold are redrawn, so float rounding cannot flip a decision. */
const MARGIN = 1e-3;

interface Draft {
  tokens: number[];
  /** q: k rows */
  draftProbs: number[][];
  /** p: k + 1 rows */
  targetProbs: number[][];
}

type Plan = 'accept' | 'reject' | 'random';

const ratioAt = (d: Draft, i: number) => Math.min(1, d.targetProbs[i]![d.tokens[i]!]! / d.draftProbs[i]![d.tokens[i]!]!);

const cumulative = (weights: number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  return weights.map((w) => (running += w / total));
};

/** Gives up rather than loop forever when a generator asks for an impossible uniform. */
const MAX_DRAWS = 10_000;

/**
 * uniforms[0 … k-1] for the acceptance tests (forced by `plan` where it says so) and uniforms[k]
 * for the final sample, each kept MARGIN away from every threshold it can meet.
 */
function uniformsFor(rng: Rng, d: Draft, plan: readonly Plan[]): number[] {
  const k = d.tokens.length;
  const draw = (thresholds: number[], from = 0, to = 1) => {
    for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
      const u = from + (to - from) * rng.uniform();
      if (thresholds.every((t) => Math.abs(u - t) > MARGIN)) return u;
    }
    throw new Error(`speculative-acceptance: no uniform in [${from}, ${to}) clear of the thresholds`);
  };
  const uniforms = plan.map((mode, i) => {
    const ratio = ratioAt(d, i);
    if (mode === 'accept') return draw([ratio], 0, ratio);
    if (mode === 'reject') return draw([ratio], ratio, 1);
    return draw([ratio]);
  });
  const finals = [...d.draftProbs.map((q, i) => d.targetProbs[i]!.map((p, v) => Math.max(0, p - q[v]!))), d.targetProbs[k]!];
  const boundaries = finals.filter((r) => r.some((x) => x > 0)).flatMap(cumulative);
  uniforms.push(draw(boundaries));
  return uniforms;
}

/** Index of the largest of `xs`. */
const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);

/**
 * k random (q, p) pairs over `vocab` ids, p with k + 1 rows. Drafts are sampled from q, except
 * where the plan forces a decision: then the token is one the target wants more than the draft
 * (ratio 1, for 'accept') or less (ratio well below 1, for 'reject').
 */
function randomDraft(rng: Rng, vocab: number, plan: readonly Plan[], sameDistributions = false): Draft {
  const k = plan.length;
  const targetProbs = Array.from({ length: k + 1 }, () => randomDistribution(rng, vocab));
  const draftProbs = sameDistributions ? targetProbs.slice(0, k).map((p) => [...p]) : Array.from({ length: k }, () => randomDistribution(rng, vocab));
  const tokens = plan.map((mode, i) => {
    const q = draftProbs[i]!;
    const p = targetProbs[i]!;
    if (mode === 'accept') return argmax(p.map((pv, v) => pv - q[v]!));
    if (mode === 'reject') return argmax(q.map((qv, v) => qv - p[v]!));
    const u = rng.uniform();
    const index = cumulative(q).findIndex((c) => u < c);
    return index < 0 ? vocab - 1 : index;
  });
  return { tokens, draftProbs, targetProbs };
}

const args = (d: Draft, uniforms: number[]) => [
  numbers(d.tokens),
  list(d.draftProbs.map((row) => numbers(row))),
  list(d.targetProbs.map((row) => numbers(row))),
  numbers(uniforms),
];

export default defineChallenge({
  id: 'speculative-acceptance',
  title: 'Speculative decoding: accept, resample, bonus token',
  questionId: 'q12',
  functionName: 'speculativeAccept',
  statement: prose`
    One verification step of speculative sampling (Leviathan et al.; Chen et al., 2023) over a
    vocabulary of V token ids. The draft model proposed k tokens draftTokens[0 … k−1], token i
    sampled from the draft's distribution q_i = draftProbs[i] (V probabilities). targetProbs has
    k + 1 rows: p_i, the target model's distribution at the same position as draft i, and a last
    row p_k for the position after all k drafts. Check the drafts in order: draft i is accepted when
    uniforms[i] < min(1, p_i(x_i) / q_i(x_i)), where x_i = draftTokens[i]. At the first rejection,
    stop and emit one token sampled from the residual distribution max(0, p_i − q_i), normalised to
    sum to 1; if all k drafts are accepted, emit one bonus token sampled from p_k. To sample from a
    distribution r, use u = uniforms[k] and take the smallest id v with u < r_0 + … + r_v. Return the
    emitted ids in order: the accepted drafts, then the one sampled token.`,
  starter: `export function speculativeAccept(
  draftTokens: number[], // [k] token ids proposed by the draft model
  draftProbs: number[][], // [k][V] q_i
  targetProbs: number[][], // [k + 1][V] p_i; the last row is for the bonus token
  uniforms: number[], // [k + 1] uniform draws in [0, 1)
): number[] {
  // your code
}
`,
  tolerance: EXACT,
  cases: [
    {
      name: 'draft equals target: every draft accepted, then a bonus token',
      make: (rng) => {
        const plan: Plan[] = ['random', 'random', 'random', 'random'];
        const d = randomDraft(rng, 8, plan, true);
        return args(d, uniformsFor(rng, d, plan));
      },
    },
    {
      name: 'first draft rejected: one resampled token',
      make: (rng) => {
        const d = randomDraft(rng, 8, ['reject', 'random', 'random']);
        return args(d, uniformsFor(rng, d, ['reject', 'random', 'random']));
      },
    },
    {
      name: 'two accepted, the third rejected',
      make: (rng) => {
        const plan: Plan[] = ['accept', 'accept', 'reject', 'random'];
        const d = randomDraft(rng, 12, plan);
        return args(d, uniformsFor(rng, d, plan));
      },
    },
    {
      name: 'a draft the target gives probability 0 is always rejected',
      make: (rng) => {
        const plan: Plan[] = ['accept', 'random', 'random'];
        const d = randomDraft(rng, 6, plan);
        const p = d.targetProbs[1]!;
        p[d.tokens[1]!] = 0;
        const total = p.reduce((a, b) => a + b, 0);
        d.targetProbs[1] = p.map((x) => x / total);
        return args(d, uniformsFor(rng, d, plan));
      },
    },
    {
      name: 'random: 5 drafts over 16 ids',
      make: (rng) => {
        const plan: Plan[] = ['random', 'random', 'random', 'random', 'random'];
        const d = randomDraft(rng, 16, plan);
        return args(d, uniformsFor(rng, d, plan));
      },
    },
  ],
  properties: [
    {
      name: 'reproduces the target distribution (chi-square)',
      description: `Over ${CHI_DRAWS} one-draft steps with drafts sampled from q and fresh uniforms, the first emitted token follows p (chi-square goodness of fit, α = ${CHI_ALPHA}).`,
      make(rng: Rng) {
        const draftCdf = cumulative(CHI_DRAFT);
        return Array.from({ length: CHI_DRAWS }, () => {
          const u = rng.uniform();
          const token = draftCdf.findIndex((c) => u < c);
          return [numbers([token < 0 ? CHI_DRAFT.length - 1 : token]), list([numbers(CHI_DRAFT)]), list([numbers(CHI_TARGET), numbers(CHI_TARGET)]), numbers([rng.uniform(), rng.uniform()])];
        });
      },
      holds(outputs) {
        const counts = CHI_TARGET.map(() => 0);
        for (const [i, out] of outputs.entries()) {
          const first = out.kind === 'array' ? out.items[0] : undefined;
          const id = first?.kind === 'number' ? first.value : NaN;
          if (out.kind !== 'array' || out.items.length < 1 || out.items.length > 2 || !(id >= 0 && id < counts.length && Number.isInteger(id))) {
            return `draw ${i + 1}: expected 1 or 2 token ids in [0, ${counts.length}), got ${JSON.stringify(out).slice(0, 80)}`;
          }
          counts[id]!++;
        }
        const statistic = counts.reduce((sum, n, v) => sum + (n - CHI_DRAWS * CHI_TARGET[v]!) ** 2 / (CHI_DRAWS * CHI_TARGET[v]!), 0);
        const pValue = chiSquareSurvival(statistic, counts.length - 1);
        if (pValue >= CHI_ALPHA) return null;
        const expected = CHI_TARGET.map((p) => (CHI_DRAWS * p).toFixed(0)).join(', ');
        return `first tokens counted [${counts.join(', ')}] where p expects about [${expected}]: χ² = ${statistic.toFixed(1)}, p-value ${pValue.toExponential(1)} < ${CHI_ALPHA}`;
      },
    },
  ],
  reference(_tf: Tf, draftTokens: number[], draftProbs: number[][], targetProbs: number[][], uniforms: number[]): number[] {
    const k = draftTokens.length;
    const sample = (weights: number[]) => {
      const total = weights.reduce((a, b) => a + b, 0);
      const u = uniforms[k]!;
      let cumulative = 0;
      for (let v = 0; v < weights.length; v++) {
        cumulative += weights[v]! / total;
        if (u < cumulative) return v;
      }
      return weights.length - 1; // u within rounding of 1
    };
    const emitted: number[] = [];
    for (let i = 0; i < k; i++) {
      const token = draftTokens[i]!;
      const p = targetProbs[i]!;
      const q = draftProbs[i]!;
      if (uniforms[i]! < Math.min(1, p[token]! / q[token]!)) {
        emitted.push(token);
        continue;
      }
      // Rejected: draw from what the target wants and the draft under-proposed.
      emitted.push(sample(p.map((pv, v) => Math.max(0, pv - q[v]!))));
      return emitted;
    }
    emitted.push(sample(targetProbs[k]!));
    return emitted;
  },
});
