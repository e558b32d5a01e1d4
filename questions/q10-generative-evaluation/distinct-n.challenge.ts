/** Q10: corpus-level distinct-n. */
import { defineChallenge, num, prose, strings, type Rng, type Tf } from '../_lib/define.js';

const VOCABULARY = ['the', 'a', 'cat', 'dog', 'sat', 'ran', 'on', 'mat', 'log', 'quickly'];

const randomCorpus = (rng: Rng, samples: number) =>
  Array.from({ length: samples }, () => Array.from({ length: rng.int(5, 16) }, () => rng.pick(VOCABULARY)).join(' '));

export default defineChallenge({
  id: 'distinct-n',
  title: 'Distinct-n diversity',
  questionId: 'q10',
  functionName: 'distinctN',
  statement: prose`
    Corpus-level distinct-n of a set of generated samples. Tokens are the maximal runs of
    non-whitespace characters of a sample (split on any whitespace; case-sensitive; punctuation
    stays part of its token). An n-gram is n consecutive tokens within one sample, never spanning two
    samples. Return the number of distinct n-grams in the whole corpus divided by the total number
    of n-grams in the corpus, or 0 when the corpus has no n-grams at all.`,
  starter: `export function distinctN(
  samples: string[], // generated texts
  n: number, // n-gram order, 1 or more
): number {
  // your code
}
`,
  tolerance: { abs: 1e-9, rel: 0 },
  cases: [
    { name: 'distinct-1 on two short samples', make: () => [strings(['the cat sat', 'the cat ran']), num(1)] },
    { name: 'distinct-2 on the same samples', make: () => [strings(['the cat sat', 'the cat ran']), num(2)] },
    {
      name: 'n-grams stay inside a sample; any whitespace splits; case counts',
      make: () => [strings(['a b', ' c\td  e\n', 'C d e f', 'c d e', 'x']), num(3)],
    },
    { name: 'tokens "ab c" and "a bc" are different bigrams', make: () => [strings(['ab c', 'a bc', 'ab c']), num(2)] },
    { name: 'no n-grams at all returns 0', make: () => [strings(['', '   ', 'one', 'two words']), num(3)] },
    { name: 'random corpus, n 3', make: (rng) => [strings(randomCorpus(rng, 12)), num(3)] },
  ],
  reference(_tf: Tf, samples: string[], n: number): number {
    const seen = new Set<string>();
    let total = 0;
    for (const sample of samples) {
      const tokens = sample.split(/\s+/).filter((token) => token !== '');
      for (let start = 0; start + n <= tokens.length; start++) {
        // Tokens hold no whitespace, so a space cannot make two different n-grams collide.
        seen.add(tokens.slice(start, start + n).join(' '));
        total++;
      }
    }
    return total === 0 ? 0 : seen.size / total;
  },
});
