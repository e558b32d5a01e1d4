/** Q9: kernelised (linear) attention with the elu + 1 feature map, non-causal and causal. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, bool, defineChallenge, prose, randn, type Rng, type Tf } from '../_lib/define.js';

const qkv = (rng: Rng, batch: number, heads: number, n: number, m: number, d: number, dV: number, causal: boolean) => [
  randn(rng, [batch, heads, n, d]),
  randn(rng, [batch, heads, m, d]),
  randn(rng, [batch, heads, m, dV]),
  bool(causal),
];

export default defineChallenge({
  id: 'linear-attention-elu',
  title: 'Linear attention with the elu + 1 feature map',
  questionId: 'q9',
  functionName: 'linearAttention',
  statement: prose`
    q is [b, h, n, d], k is [b, h, m, d] and v is [b, h, m, dV]; every example and head is
    independent. With the feature map φ(x) = elu(x) + 1 applied elementwise, query i's output is
    Σ_j φ(q_i)·φ(k_j) v_j divided by (Σ_j φ(q_i)·φ(k_j) + 1e-6), the sums over all m keys, or over
    keys j ≤ i only when causal is true (then n = m). Return [b, h, n, dV].`,
  starter: `export function linearAttention(
  q: tf.Tensor4D, // [b, h, n, d]
  k: tf.Tensor4D, // [b, h, m, d]
  v: tf.Tensor4D, // [b, h, m, dV]
  causal: boolean, // true: query i sees keys j <= i (n = m)
): tf.Tensor4D {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'non-causal, one head, 8 positions', make: (rng) => qkv(rng, 1, 1, 8, 8, 4, 4, false) },
    { name: 'batch of 2, 2 heads, 6 queries over 10 keys (examples must not mix)', make: (rng) => qkv(rng, 2, 2, 6, 10, 8, 4, false) },
    { name: 'causal, 2 heads, 16 positions', make: (rng) => qkv(rng, 1, 2, 16, 16, 8, 8, true) },
    { name: 'causal, 64 positions, width 16', make: (rng) => qkv(rng, 1, 2, 64, 64, 16, 16, true) },
    { name: 'non-causal, 64 positions, width 32', make: (rng) => qkv(rng, 1, 1, 64, 64, 32, 16, false) },
  ],
  reference(tf: Tf, q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, causal: boolean): tf.Tensor4D {
    const phi = (x: tf.Tensor4D) => tf.add(tf.elu(x), 1);
    // The explicit O(n·m) form: easier to check by eye than the associative O(n) one, and equal to it.
    let weights = tf.matMul(phi(q), phi(k), false, true); // [b, h, n, m]
    if (causal) {
      const n = q.shape[2];
      const past = tf.lessEqual(tf.reshape(tf.range(0, n), [1, n]), tf.reshape(tf.range(0, n), [n, 1])); // j <= i
      weights = tf.mul(weights, tf.cast(past, 'float32'));
    }
    const numerator = tf.matMul(weights, v);
    const denominator = tf.add(tf.sum(weights, -1, true), 1e-6);
    return tf.div(numerator, denominator);
  },
});
