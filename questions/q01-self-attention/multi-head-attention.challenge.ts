/** Q1 follow-up: multi-head self-attention with separate Q, K, V, O projections. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, bool, defineChallenge, num, prose, randn, type Rng, type Tf } from '../_lib/define.js';

/** x and the four projections, scaled so activations stay near unit variance. */
const inputs = (rng: Rng, batch: number, n: number, dModel: number, numHeads: number, causal: boolean) => {
  const w = () => randn(rng, [dModel, dModel], 1 / Math.sqrt(dModel));
  return [randn(rng, [batch, n, dModel]), w(), w(), w(), w(), num(numHeads), bool(causal)];
};

export default defineChallenge({
  id: 'multi-head-attention',
  title: 'Multi-head self-attention',
  questionId: 'q1',
  functionName: 'multiHeadAttention',
  statement: prose`
    x is [batch, n, dModel]; wQ, wK, wV and wO are [dModel, dModel] and multiply from the right
    (Q = x·wQ), with no biases. dModel is divisible by numHeads; with dHead = dModel / numHeads,
    head h uses features h·dHead … (h+1)·dHead − 1 of Q, K and V. Each head computes scaled
    dot-product self-attention, softmax(QₕKₕᵀ / √dHead)·Vₕ, with the softmax over keys; when causal
    is true, query i may attend only to keys j ≤ i. Concatenate the heads' outputs along the feature
    axis in head order, multiply by wO, and return [batch, n, dModel].`,
  starter: `export function multiHeadAttention(
  x: tf.Tensor3D, // [batch, n, dModel]
  wQ: tf.Tensor2D, // [dModel, dModel]
  wK: tf.Tensor2D, // [dModel, dModel]
  wV: tf.Tensor2D, // [dModel, dModel]
  wO: tf.Tensor2D, // [dModel, dModel]
  numHeads: number,
  causal: boolean,
): tf.Tensor3D {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'one head: plain self-attention with projections', make: (rng) => inputs(rng, 1, 5, 8, 1, false) },
    { name: '2 heads of width 4, 5 positions', make: (rng) => inputs(rng, 1, 5, 8, 2, false) },
    { name: '4 heads, batch of 2, causal', make: (rng) => inputs(rng, 2, 16, 32, 4, true) },
    { name: '8 narrow heads (width 4), 12 positions', make: (rng) => inputs(rng, 1, 12, 32, 8, false) },
    { name: 'causal, one position (sees only itself)', make: (rng) => inputs(rng, 2, 1, 8, 2, true) },
  ],
  reference(tf: Tf, x: tf.Tensor3D, wQ: tf.Tensor2D, wK: tf.Tensor2D, wV: tf.Tensor2D, wO: tf.Tensor2D, numHeads: number, causal: boolean): tf.Tensor3D {
    const [batch, n, dModel] = x.shape;
    const dHead = dModel / numHeads;
    const rows = tf.reshape(x, [batch * n, dModel]);
    // [batch·n, dModel] -> [batch, heads, n, dHead]: head h owns a contiguous block of features.
    const split = (w: tf.Tensor2D) => tf.transpose(tf.reshape(tf.matMul(rows, w), [batch, n, numHeads, dHead]), [0, 2, 1, 3]);
    const [qh, kh, vh] = [split(wQ), split(wK), split(wV)];
    let scores = tf.div(tf.matMul(qh, kh, false, true), Math.sqrt(dHead)); // [batch, heads, n, n]
    if (causal) {
      const future = tf.greater(tf.reshape(tf.range(0, n), [1, n]), tf.reshape(tf.range(0, n), [n, 1])); // j > i
      scores = tf.where(tf.broadcastTo(future, scores.shape), tf.fill(scores.shape, -1e9), scores);
    }
    const heads = tf.matMul(tf.softmax(scores), vh); // [batch, heads, n, dHead]
    const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [batch * n, dModel]);
    return tf.reshape(tf.matMul(merged, wO), [batch, n, dModel]);
  },
});
