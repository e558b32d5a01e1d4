/** Q1: scaled dot-product attention with a keep/block mask. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, prose, randn, tensorFrom, type Tf } from '../_lib/define.js';

/** [batch, n, m] mask: 1 where query i of example b may attend key j. */
const maskOf = (batch: number, n: number, m: number, keep: (b: number, i: number, j: number) => boolean) =>
  tensorFrom([batch, n, m], ([b, i, j]) => (keep(b!, i!, j!) ? 1 : 0));

export default defineChallenge({
  id: 'scaled-dot-product-attention',
  title: 'Scaled dot-product attention',
  questionId: 'q1',
  functionName: 'scaledDotProductAttention',
  statement: prose`
    q is [batch, n, dK], k is [batch, m, dK] and v is [batch, m, dV]; mask is [batch, n, m] of 1s and
    0s, where mask[b][i][j] = 1 means query i may attend to key j and 0 means it may not. Return
    softmax(q·kᵀ / √dK)·v, shape [batch, n, dV], with the softmax taken over the keys and blocked
    keys getting zero weight. A query whose keys are all blocked has no keys to mix: its output is
    the zero vector, never NaN. Scores can be large: the result must stay finite.`,
  starter: `export function scaledDotProductAttention(
  q: tf.Tensor3D, // [batch, n, dK]
  k: tf.Tensor3D, // [batch, m, dK]
  v: tf.Tensor3D, // [batch, m, dV]
  mask: tf.Tensor3D, // [batch, n, m]: 1 = may attend, 0 = blocked
): tf.Tensor3D {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    {
      name: 'one example, 4 queries over 6 keys, nothing masked',
      make: (rng) => [randn(rng, [1, 4, 8]), randn(rng, [1, 6, 8]), randn(rng, [1, 6, 8]), maskOf(1, 4, 6, () => true)],
    },
    {
      name: 'batch of 2 with a causal mask',
      make: (rng) => [randn(rng, [2, 16, 16]), randn(rng, [2, 16, 16]), randn(rng, [2, 16, 16]), maskOf(2, 16, 16, (_b, i, j) => j <= i)],
    },
    {
      name: 'cross-attention (n ≠ m, dK ≠ dV) with padded keys',
      make: (rng) => {
        const keyLengths = [12, 7];
        return [randn(rng, [2, 5, 8]), randn(rng, [2, 12, 8]), randn(rng, [2, 12, 4]), maskOf(2, 5, 12, (b, _i, j) => j < keyLengths[b]!)];
      },
    },
    {
      name: 'padded queries: rows with every key blocked',
      make: (rng) => {
        const lengths = [6, 4];
        const keep = (b: number, i: number, j: number) => i < lengths[b]! && j < lengths[b]!;
        return [randn(rng, [2, 6, 8]), randn(rng, [2, 6, 8]), randn(rng, [2, 6, 8]), maskOf(2, 6, 6, keep)];
      },
    },
    {
      name: 'scores near 90 (exp overflows float32 without care)',
      make: (rng) => {
        // A shared first feature of 19 adds 19·19/√16 ≈ 90 to every score: the softmax is unchanged
        // by the shift, but exp(score) alone is beyond float32's range.
        const withOffset = (shape: number[]) => tensorFrom(shape, ([, , c]) => (c === 0 ? 19 : rng.normal()));
        return [withOffset([1, 6, 16]), withOffset([1, 6, 16]), randn(rng, [1, 6, 16]), maskOf(1, 6, 6, (_b, i, j) => j <= i)];
      },
    },
    {
      name: 'larger: 128 positions, width 64, causal',
      make: (rng) => [randn(rng, [1, 128, 64]), randn(rng, [1, 128, 64]), randn(rng, [1, 128, 64]), maskOf(1, 128, 128, (_b, i, j) => j <= i)],
    },
  ],
  reference(tf: Tf, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
    const dK = q.shape[2];
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dK));
    // Blocked scores become a large finite negative rather than -Infinity (0/0 = NaN on a fully
    // blocked row). Such a row then softmaxes to uniform weights whatever the dtype, and
    // multiplying by the mask turns it into zeros, the convention the statement fixes; rows with
    // a visible key are unchanged, since their blocked weights are already exactly 0.
    const blocked = tf.fill(scores.shape, -1e9);
    const kept = tf.where(tf.cast(mask, 'bool'), scores, blocked);
    return tf.matMul(tf.mul(tf.softmax(kept), mask), v);
  },
});
