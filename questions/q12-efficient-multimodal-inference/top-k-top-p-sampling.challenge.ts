/** Q12: temperature, top-k and nucleus (top-p) sampling, made deterministic by taking the uniform as input. */
import { EXACT, defineChallenge, num, numbers, prose, type Rng, type Tf } from '../_lib/define.js';

/** Thresholds closer than this to a cumulative sum are moved, so float32 rounding cannot change a decision. */
const MARGIN = 2e-3;

interface Draw {
  logits: number[];
  temperature: number;
  topK: number;
  topP: number;
  u: number;
}

/** The rule, in float64; both the reference and the generator's margin logic use it. */
function ranked(logits: readonly number[], temperature: number): { id: number; p: number }[] {
  const scaled = logits.map((x) => x / temperature);
  const max = Math.max(...scaled);
  const weights = scaled.map((x) => Math.exp(x - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, id) => ({ id, p: w / total })).sort((a, b) => b.p - a.p || a.id - b.id);
}

const prefixSums = (ps: readonly number[]) => {
  let running = 0;
  return ps.map((p) => (running += p));
};

function keptAfterTopK(all: { id: number; p: number }[], topK: number) {
  const kept = topK > 0 ? all.slice(0, topK) : all;
  const total = kept.reduce((a, b) => a + b.p, 0);
  return kept.map((t) => ({ id: t.id, p: t.p / total }));
}

/**
 * Logits with `ties` repeated values, a top-p placed halfway between two cumulative sums of the
 * top-k distribution (so the boundary token is unambiguous), and u kept clear of every sampling
 * threshold.
 */
function draw(rng: Rng, vocab: number, settings: { temperature: number; topK: number; cut?: number; ties?: number; spread?: number }): Draw {
  const logits = Array.from({ length: vocab }, () => Math.fround((settings.spread ?? 2) * rng.normal()));
  for (let t = 0; t < (settings.ties ?? 0); t++) logits[vocab - 1 - t] = logits[t]!;
  const afterK = keptAfterTopK(ranked(logits, settings.temperature), settings.topK);
  const sums = prefixSums(afterK.map((t) => t.p));
  // cut = how many tokens top-p should keep; the threshold lies midway into that token's mass.
  const cut = Math.min(settings.cut ?? afterK.length, afterK.length);
  const topP = cut >= afterK.length ? 1 : Number((sums[cut - 2] ?? 0) + 0.5 * afterK[cut - 1]!.p).toPrecision(6);
  const keep = afterK.slice(0, cut);
  const keptTotal = keep.reduce((a, b) => a + b.p, 0);
  const thresholds = prefixSums(keep.map((t) => t.p / keptTotal));
  let u = rng.uniform();
  for (let attempt = 0; thresholds.some((t) => Math.abs(u - t) < MARGIN); attempt++) {
    if (attempt > 10_000) throw new Error('top-k-top-p-sampling: no uniform clear of the thresholds');
    u = rng.uniform();
  }
  return { logits, temperature: settings.temperature, topK: settings.topK, topP: Number(topP), u };
}

const args = (d: Draw) => [numbers(d.logits), num(d.temperature), num(d.topK), num(d.topP), num(d.u)];

export default defineChallenge({
  id: 'top-k-top-p-sampling',
  title: 'Top-k and top-p (nucleus) sampling',
  questionId: 'q12',
  functionName: 'sampleToken',
  statement: prose`
    Sample the next token id from logits over V ids with temperature, top-k and top-p (Holtzman et
    al., 2020), with the randomness given as one uniform u in [0, 1). Steps: (1) probabilities =
    softmax(logits / temperature); (2) rank the ids by probability, highest first, breaking ties by the
    smaller id first; (3) top-k: keep the first topK ranked ids (topK = 0 keeps all V) and renormalise
    their probabilities to sum to 1; (4) top-p: of those, keep the shortest ranked prefix whose
    cumulative renormalised probability is ≥ topP, so the id at which the running sum first reaches
    topP is kept (topP = 1 keeps all), and renormalise again; (5) walk the kept ids in ranked order
    and return the first id whose cumulative probability exceeds u. Return { token: that id, kept: the
    kept ids in ranked order }.`,
  starter: `export function sampleToken(
  logits: number[], // [V]
  temperature: number, // > 0
  topK: number, // 0 = no top-k
  topP: number, // in (0, 1]; 1 = no top-p
  u: number, // uniform in [0, 1)
): { token: number; kept: number[] } {
  // your code
}
`,
  tolerance: EXACT,
  cases: [
    { name: 'top-p 0.9 with no top-k, V 10', make: (rng) => args(draw(rng, 10, { temperature: 1, topK: 0, cut: 4 })) },
    { name: 'top-k 5 then top-p, temperature 0.7', make: (rng) => args(draw(rng, 12, { temperature: 0.7, topK: 5, cut: 3 })) },
    { name: 'tied logits: the smaller id ranks first', make: (rng) => args(draw(rng, 8, { temperature: 1, topK: 6, ties: 3, cut: 5, spread: 1 })) },
    { name: 'top-p keeps a single token', make: (rng) => args(draw(rng, 16, { temperature: 1, topK: 0, cut: 1, spread: 3 })) },
    { name: 'top-k only (top-p 1), temperature 1.5', make: (rng) => args(draw(rng, 20, { temperature: 1.5, topK: 7 })) },
    { name: 'no filtering: plain sampling over 32 ids', make: (rng) => args(draw(rng, 32, { temperature: 1, topK: 0 })) },
    { name: 'low temperature 0.3, top-k 10, top-p', make: (rng) => args(draw(rng, 24, { temperature: 0.3, topK: 10, cut: 2 })) },
  ],
  reference(_tf: Tf, logits: number[], temperature: number, topK: number, topP: number, u: number): { token: number; kept: number[] } {
    const afterK = keptAfterTopK(ranked(logits, temperature), topK);
    const sums = prefixSums(afterK.map((t) => t.p));
    const reach = sums.findIndex((s) => s >= topP);
    const kept = afterK.slice(0, reach < 0 ? afterK.length : reach + 1);
    const total = kept.reduce((a, b) => a + b.p, 0);
    const thresholds = prefixSums(kept.map((t) => t.p / total));
    const at = thresholds.findIndex((c) => u < c);
    return { token: kept[at < 0 ? kept.length - 1 : at]!.id, kept: kept.map((t) => t.id) };
  },
});
