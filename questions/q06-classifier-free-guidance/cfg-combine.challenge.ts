/** Q6: combining the unconditional and conditional predictions of one batched denoiser call. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, num, prose, randn, type Rng, type Tf } from '../_lib/define.js';

/** [2B, H, W, C]: B unconditional rows, then the same B examples with their prompt. */
const batched = (rng: Rng, batch: number, side: number, channels: number, scale: number) => [randn(rng, [2 * batch, side, side, channels]), num(scale)];

export default defineChallenge({
  id: 'cfg-combine',
  title: 'Classifier-free guidance',
  questionId: 'q6',
  functionName: 'cfgCombine',
  statement: prose`
    The denoiser was run once on a doubled batch: eps is its noise prediction, shape [2B, H, W, C],
    where rows 0 … B−1 are the unconditional predictions (empty prompt) and rows B … 2B−1 are the
    conditional predictions for the same B examples in the same order. Return the classifier-free
    guided prediction (Ho & Salimans, 2022) with guidance scale w = scale, shape [B, H, W, C], in
    the convention where w = 0 gives the unconditional prediction and w = 1 the conditional one.`,
  starter: `export function cfgCombine(
  eps: tf.Tensor4D, // [2B, H, W, C]: B unconditional, then B conditional
  scale: number, // guidance scale w
): tf.Tensor4D {
  // your code: [B, H, W, C]
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'w 7.5, batch of 2', make: (rng) => batched(rng, 2, 4, 3, 7.5) },
    { name: 'w 0: the unconditional prediction', make: (rng) => batched(rng, 2, 4, 3, 0) },
    { name: 'w 1: the conditional prediction', make: (rng) => batched(rng, 1, 4, 4, 1) },
    { name: 'w 3, one 16×16 latent with 4 channels', make: (rng) => batched(rng, 1, 16, 4, 3) },
    { name: 'w 1.5, batch of 4', make: (rng) => batched(rng, 4, 4, 3, 1.5) },
  ],
  reference(tf: Tf, eps: tf.Tensor4D, scale: number): tf.Tensor4D {
    const [uncond, cond] = tf.split(eps, 2, 0) as [tf.Tensor4D, tf.Tensor4D];
    return tf.add(uncond, tf.mul(scale, tf.sub(cond, uncond)));
  },
});
