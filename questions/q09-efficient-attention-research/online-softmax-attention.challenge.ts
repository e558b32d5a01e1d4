/** Q9: attention computed block by block with an online softmax, as FlashAttention does. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, randn, type Rng, type Tf } from '../_lib/define.js';
import { fieldOf, firstFailure, permutation, permuteRows, rowOrder, sameWithin } from '../_lib/relations.js';

/** q [N, d] scaled by `spread` (large spreads give logits far beyond float32's exp range), k [M, d], v [M, dv]. */
const inputs = (rng: Rng, n: number, m: number, d: number, dv: number, block: number, spread = 1) => [
  randn(rng, [n, d], spread),
  randn(rng, [m, d]),
  randn(rng, [m, dv]),
  num(block),
];

export default defineChallenge({
  id: 'online-softmax-attention',
  title: 'Tiled attention with an online softmax (FlashAttention)',
  questionId: 'q9',
  functionName: 'tiledAttention',
  statement: prose`
    Single-head attention computed the way FlashAttention (Dao et al., 2022) does, without ever
    holding a full row of scores: visit the keys in blocks of blockSize rows (the last block may be
    shorter) and keep, per query, a running maximum, a running sum of exponentials and a running
    weighted sum of values, rescaling them whenever the maximum grows. q is [N, d], k is [M, d], v is
    [M, dv]; the scores are s = q·kᵀ/√d, with no mask. Return { output: [N, dv], the softmax of each
    row of s applied to v, and logsumexp: [N], the natural log of Σ_j exp(s_ij) per query (the
    statistic FlashAttention saves for the backward pass) }. Some inputs have scores in the
    hundreds, so exponentiating a raw score overflows float32.`,
  starter: `export function tiledAttention(
  q: tf.Tensor2D, // [N, d]
  k: tf.Tensor2D, // [M, d]
  v: tf.Tensor2D, // [M, dv]
  blockSize: number, // keys per block
): { output: tf.Tensor2D; logsumexp: tf.Tensor1D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: '3 queries, 8 keys in blocks of 4', make: (rng) => inputs(rng, 3, 8, 4, 4, 4) },
    { name: 'blocks that do not divide the keys (10 keys, blocks of 4)', make: (rng) => inputs(rng, 4, 10, 8, 3, 4) },
    { name: 'scores in the hundreds: exp of a raw score overflows', make: (rng) => inputs(rng, 3, 12, 8, 4, 5, 60) },
    { name: 'one key per block', make: (rng) => inputs(rng, 2, 6, 4, 2, 1) },
    { name: 'one block holding every key', make: (rng) => inputs(rng, 5, 7, 4, 4, 16) },
    { name: '16 queries, 40 keys, blocks of 8, d 16', make: (rng) => inputs(rng, 16, 40, 16, 8, 8, 3) },
  ],
  properties: [
    {
      name: 'query-permutation equivariance',
      description: 'Reordering the queries reorders output and logsumexp the same way.',
      make(rng: Rng) {
        const [q, k, v, block] = inputs(rng, 6, 9, 4, 3, 4, 2);
        return [
          [q!, k!, v!, block!],
          [permuteRows(q as SerializedTensor, permutation(rng, 6)), k!, v!, block!],
        ];
      },
      holds(outputs, calls) {
        const order = rowOrder(calls[0]![0]!, calls[1]![0]!);
        const out = fieldOf(outputs[0]!, 'output');
        const lse = fieldOf(outputs[0]!, 'logsumexp');
        if (!order || out?.kind !== 'tensor' || lse?.kind !== 'tensor') return 'the first call did not return { output, logsumexp } tensors';
        return firstFailure(
          sameWithin(fieldOf(outputs[1]!, 'output'), permuteRows(out, order), FLOAT32, 'output for permuted queries vs permuted output'),
          sameWithin(fieldOf(outputs[1]!, 'logsumexp'), permuteRows(lse, order), FLOAT32, 'logsumexp for permuted queries vs permuted logsumexp'),
        );
      },
    },
    {
      name: 'key-order invariance',
      description: 'Reordering the key/value pairs together, which moves them across blocks, changes nothing.',
      make(rng: Rng) {
        const [q, k, v, block] = inputs(rng, 4, 10, 4, 3, 3, 2);
        const order = permutation(rng, 10);
        return [
          [q!, k!, v!, block!],
          [q!, permuteRows(k as SerializedTensor, order), permuteRows(v as SerializedTensor, order), block!],
        ];
      },
      holds(outputs) {
        return sameWithin(outputs[1], outputs[0], FLOAT32, 'result with the keys reordered vs the original');
      },
    },
  ],
  reference(tf: Tf, q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D): { output: tf.Tensor2D; logsumexp: tf.Tensor1D } {
    // The result does not depend on the blocking; the full softmax is the reference.
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[1]));
    return { output: tf.matMul(tf.softmax(scores), v), logsumexp: tf.logSumExp(scores, 1) };
  },
});
