/** Q10: corpus BLEU-4, the reference-overlap metric that distinct-n is contrasted with. */
import { defineChallenge, list, prose, strings, type Rng, type Tf } from '../_lib/define.js';

const VOCABULARY = ['the', 'cat', 'sat', 'on', 'mat', 'a', 'dog', 'lay', 'rug', 'by', 'door', 'and', 'slept'];

/** A reference sentence and a candidate made from it by a few substitutions, drops and insertions. */
const noisyPair = (rng: Rng): [string, string[]] => {
  const reference = Array.from({ length: rng.int(6, 14) }, () => rng.pick(VOCABULARY));
  const candidate: string[] = [];
  for (const token of reference) {
    const roll = rng.uniform();
    if (roll < 0.1) continue;
    candidate.push(roll < 0.25 ? rng.pick(VOCABULARY) : token);
    if (rng.uniform() < 0.05) candidate.push(rng.pick(VOCABULARY));
  }
  const second = reference.map((token) => (rng.uniform() < 0.2 ? rng.pick(VOCABULARY) : token));
  return [candidate.join(' '), [reference.join(' '), second.join(' ')]];
};

const corpus = (candidates: string[], references: string[][]) => [strings(candidates), list(references.map((r) => strings(r)))];

export default defineChallenge({
  id: 'bleu',
  title: 'Corpus BLEU-4',
  questionId: 'q10',
  functionName: 'corpusBleu',
  statement: prose`
    Corpus-level BLEU with n-grams of order 1 to 4 and uniform weights (Papineni et al., 2002), no
    smoothing. Tokens come from splitting on whitespace (case-sensitive). candidates[i] is scored
    against the list references[i] of one or more references. Modified n-gram precision: each
    candidate n-gram's count is clipped to its largest count in any one of that candidate's
    references; clipped counts and candidate n-gram totals are each summed over the whole corpus
    before dividing. Brevity penalty: c is the total candidate length; r sums, over candidates, the
    length of the reference closest in length to the candidate (the shorter on a tie); the penalty
    is 1 when c > r. Return a number in [0, 1]; it is 0 when c is 0 or any of the four precisions is
    0.`,
  starter: `export function corpusBleu(
  candidates: string[], // one generated text per example
  references: string[][], // references[i]: one or more references for candidates[i]
): number {
  // your code
}
`,
  tolerance: { abs: 1e-9, rel: 1e-9 },
  cases: [
    { name: 'a candidate identical to its reference scores 1', make: () => corpus(['the cat sat on the mat'], [['the cat sat on the mat']]) },
    {
      name: 'clipped counts with two references',
      make: () =>
        corpus(
          ['the cat the cat sat on the mat', 'there is a cat on the mat today'],
          [
            ['the cat sat on the mat', 'there is a cat on the mat'],
            ['there is a cat on the mat', 'a cat is on the mat today'],
          ],
        ),
    },
    {
      name: 'short candidates: brevity penalty, closest reference length (shorter on a tie)',
      make: () =>
        corpus(
          ['the cat sat on the mat', 'a dog lay on the rug'],
          [
            ['the cat sat on the mat by the door', 'the cat sat on the big red mat'],
            ['a dog lay on rug', 'a dog lay on the red rug'],
          ],
        ),
    },
    { name: 'no matching 4-gram scores 0', make: () => corpus(['the cat on mat the sat'], [['the cat sat on the mat']]) },
    {
      name: 'random corpus of 8 noisy copies',
      make: (rng) => {
        const pairs = Array.from({ length: 8 }, () => noisyPair(rng));
        return corpus(
          pairs.map(([c]) => c),
          pairs.map(([, r]) => r),
        );
      },
    },
  ],
  reference(_tf: Tf, candidates: string[], references: string[][]): number {
    const MAX_N = 4;
    const tokensOf = (text: string) => text.split(/\s+/).filter((t) => t !== '');
    const ngramCounts = (tokens: string[], n: number) => {
      const counts = new Map<string, number>();
      for (let i = 0; i + n <= tokens.length; i++) {
        const gram = tokens.slice(i, i + n).join(' ');
        counts.set(gram, (counts.get(gram) ?? 0) + 1);
      }
      return counts;
    };
    const matched = new Array<number>(MAX_N).fill(0);
    const proposed = new Array<number>(MAX_N).fill(0);
    let candidateLength = 0;
    let referenceLength = 0;
    candidates.forEach((text, i) => {
      const cand = tokensOf(text);
      const refs = references[i]!.map(tokensOf);
      candidateLength += cand.length;
      // Closest reference length; ties go to the shorter reference.
      const closest = refs.map((r) => r.length).sort((a, b) => Math.abs(a - cand.length) - Math.abs(b - cand.length) || a - b)[0]!;
      referenceLength += closest;
      for (let n = 1; n <= MAX_N; n++) {
        const maxInAnyRef = new Map<string, number>();
        for (const ref of refs) for (const [gram, count] of ngramCounts(ref, n)) maxInAnyRef.set(gram, Math.max(count, maxInAnyRef.get(gram) ?? 0));
        for (const [gram, count] of ngramCounts(cand, n)) {
          matched[n - 1]! += Math.min(count, maxInAnyRef.get(gram) ?? 0);
          proposed[n - 1]! += count;
        }
      }
    });
    if (candidateLength === 0 || matched.some((m) => m === 0)) return 0;
    const logPrecision = matched.reduce((sum, m, i) => sum + Math.log(m / proposed[i]!), 0) / MAX_N;
    const brevity = candidateLength > referenceLength ? 1 : Math.exp(1 - referenceLength / candidateLength);
    return brevity * Math.exp(logPrecision);
  },
});
