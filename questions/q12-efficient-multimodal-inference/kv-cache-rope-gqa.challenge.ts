/** Q12: one decode step with a KV cache, rotary position embeddings and grouped-query attention. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, num, prose, randn, type Rng, type Tf } from '../_lib/define.js';

/**
 * A cache of T earlier tokens (keys already rotated, as a real cache holds them) and the new
 * token's projections; the new token sits at position T.
 */
const step = (rng: Rng, queryHeads: number, kvHeads: number, cached: number, d: number, base = 10000) => [
  randn(rng, [queryHeads, d]),
  randn(rng, [kvHeads, d]),
  randn(rng, [kvHeads, d]),
  randn(rng, [kvHeads, cached, d]),
  randn(rng, [kvHeads, cached, d]),
  num(cached),
  num(base),
];

export default defineChallenge({
  id: 'kv-cache-rope-gqa',
  title: 'KV-cache decode step with RoPE and grouped-query attention',
  questionId: 'q12',
  functionName: 'decodeStep',
  statement: prose`
    One autoregressive decode step for one sequence. There are Hq query heads and Hkv key/value heads
    (Hq is a multiple of Hkv; grouped-query attention, Ainslie et al., 2023): query head h reads
    key/value head ⌊h·Hkv/Hq⌋, so consecutive query heads share a KV head. q is [Hq, d] and kNew,
    vNew are [Hkv, d], the new token's projections before any rotation; kCache and vCache are
    [Hkv, T, d] for the T earlier tokens, whose keys are already rotated; the new token's position is
    position (= T, counting from 0). Apply rotary position embeddings (Su et al., 2021) to q and kNew,
    not to values, in the half-split convention used by GPT-NeoX and LLaMA: for i in 0 … d/2−1, with
    θ_i = position · base^(−2i/d), the pair (x_i, x_{i+d/2}) becomes (x_i·cos θ_i − x_{i+d/2}·sin θ_i,
    x_i·sin θ_i + x_{i+d/2}·cos θ_i). Append the rotated key and the value at index T of each KV
    head's cache, then let every query head attend over all T + 1 cached tokens with scores
    q·kᵀ/√d and no mask. Return { output: [Hq, d], kCache: [Hkv, T + 1, d], vCache: [Hkv, T + 1, d] }.`,
  starter: `export function decodeStep(
  q: tf.Tensor2D, // [Hq, d] the new token's queries, not yet rotated
  kNew: tf.Tensor2D, // [Hkv, d] its keys, not yet rotated
  vNew: tf.Tensor2D, // [Hkv, d] its values
  kCache: tf.Tensor3D, // [Hkv, T, d] rotated keys of earlier tokens
  vCache: tf.Tensor3D, // [Hkv, T, d]
  position: number, // = T
  base: number, // RoPE base, e.g. 10000
): { output: tf.Tensor2D; kCache: tf.Tensor3D; vCache: tf.Tensor3D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'multi-head (Hq = Hkv = 2), 3 cached tokens, d 4', make: (rng) => step(rng, 2, 2, 3, 4) },
    { name: 'GQA: 4 query heads share 2 KV heads, 5 cached, d 8', make: (rng) => step(rng, 4, 2, 5, 8) },
    { name: 'multi-query: 4 query heads, one KV head', make: (rng) => step(rng, 4, 1, 6, 8) },
    { name: 'empty cache: the first token attends only to itself', make: (rng) => step(rng, 2, 1, 0, 4) },
    { name: 'GQA 8 → 2 at position 40, d 16', make: (rng) => step(rng, 8, 2, 40, 16) },
    { name: 'RoPE base 500 (fast rotation)', make: (rng) => step(rng, 6, 3, 12, 8, 500) },
  ],
  reference(tf: Tf, q: tf.Tensor2D, kNew: tf.Tensor2D, vNew: tf.Tensor2D, kCache: tf.Tensor3D, vCache: tf.Tensor3D, position: number, base: number) {
    const [queryHeads, d] = q.shape;
    const kvHeads = kNew.shape[0];
    const half = d / 2;
    // Angles in float64 here, then float32: the same values a careful candidate gets.
    const angles = Array.from({ length: half }, (_, i) => position * Math.pow(base, (-2 * i) / d));
    const cos = tf.tensor1d(angles.map(Math.cos));
    const sin = tf.tensor1d(angles.map(Math.sin));
    const rotate = (x: tf.Tensor2D) => {
      const heads = x.shape[0];
      const first = tf.slice(x, [0, 0], [heads, half]);
      const second = tf.slice(x, [0, half], [heads, half]);
      return tf.concat([tf.sub(tf.mul(first, cos), tf.mul(second, sin)), tf.add(tf.mul(first, sin), tf.mul(second, cos))], 1) as tf.Tensor2D;
    };
    const keys = tf.concat([kCache, tf.expandDims(rotate(kNew), 1)], 1) as tf.Tensor3D;
    const values = tf.concat([vCache, tf.expandDims(vNew, 1)], 1) as tf.Tensor3D;
    // Query head h reads KV head ⌊h·Hkv/Hq⌋.
    const group = tf.tensor1d(
      Array.from({ length: queryHeads }, (_, h) => Math.floor((h * kvHeads) / queryHeads)),
      'int32',
    );
    const perHeadKeys = tf.gather(keys, group); // [Hq, T+1, d]
    const perHeadValues = tf.gather(values, group);
    const queries = tf.expandDims(rotate(q), 1); // [Hq, 1, d]
    const weights = tf.softmax(tf.div(tf.matMul(queries, perHeadKeys, false, true), Math.sqrt(d)));
    const output = tf.reshape(tf.matMul(weights, perHeadValues), [queryHeads, d]) as tf.Tensor2D;
    return { output, kCache: keys, vCache: values };
  },
});
