/** Q6: combining the unconditional and conditional predictions of one batched denoiser call. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor, SerializedValue } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';
import { firstFailure, sameWithin } from '../_lib/relations.js';

/** Sums of float32 outputs carry a few float32 roundings more than one output. */
const SUM_TOLERANCE = { abs: 1e-3, rel: 1e-4 };

/** a·x + b·y elementwise, for two tensors of one shape (null when either is not a tensor). */
function affine(x: SerializedValue | undefined, y: SerializedValue | undefined, a: number, b: number): SerializedTensor | null {
  if (x?.kind !== 'tensor' || y?.kind !== 'tensor' || x.data.length !== y.data.length) return null;
  return tensor(x.shape, x.data.map((v, i) => a * v + b * y.data[i]!));
}

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
  properties: [
    {
      name: 'linearity in the guidance scale',
      description: 'The guided prediction is affine in w: the result at w = 4 is the mean of the results at w = 2 and w = 6.',
      make(rng: Rng) {
        const eps = randn(rng, [4, 4, 4, 3]);
        return [
          [eps, num(2)],
          [eps, num(6)],
          [eps, num(4)],
        ];
      },
      holds(outputs) {
        const midpoint = affine(outputs[0], outputs[1], 0.5, 0.5);
        if (!midpoint) return 'the results at w = 2 and w = 6 are not tensors of one shape';
        return sameWithin(outputs[2], midpoint, SUM_TOLERANCE, 'result at w 4 vs the mean of w 2 and w 6');
      },
    },
    {
      name: 'linearity in the predictions',
      description: 'The guided prediction is linear in eps: f(eps₁ + eps₂, w) = f(eps₁, w) + f(eps₂, w).',
      make(rng: Rng) {
        const a = randn(rng, [2, 4, 4, 3]);
        const b = randn(rng, [2, 4, 4, 3]);
        const sum = tensor(a.shape, a.data.map((x, i) => x + b.data[i]!));
        return [
          [a, num(7.5)],
          [b, num(7.5)],
          [sum, num(7.5)],
        ];
      },
      holds(outputs) {
        const added = affine(outputs[0], outputs[1], 1, 1);
        if (!added) return 'the results for eps₁ and eps₂ are not tensors of one shape';
        return firstFailure(sameWithin(outputs[2], added, SUM_TOLERANCE, 'f(eps₁ + eps₂) vs f(eps₁) + f(eps₂)'));
      },
    },
  ],
  reference(tf: Tf, eps: tf.Tensor4D, scale: number): tf.Tensor4D {
    const [uncond, cond] = tf.split(eps, 2, 0) as [tf.Tensor4D, tf.Tensor4D];
    return tf.add(uncond, tf.mul(scale, tf.sub(cond, uncond)));
  },
});
