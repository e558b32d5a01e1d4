/** Q1: RMSNorm, the normalisation of LLaMA-style transformer blocks. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, tensorFrom, type Rng, type Tf } from '../_lib/define.js';
import { permutation, permuteRows, rowOrder, sameWithin } from '../_lib/relations.js';

/** x of shape [B, T, D] around `offset` with spread `scale`, a gain near 1, and eps. */
const inputs = (rng: Rng, shape: [number, number, number], scale: number, offset: number, eps: number) => [
  tensorFrom(shape, () => offset + scale * rng.normal()),
  tensorFrom([shape[2]], () => 1 + 0.2 * rng.normal()),
  num(eps),
];

export default defineChallenge({
  id: 'rmsnorm',
  title: 'RMSNorm',
  questionId: 'q1',
  functionName: 'rmsNorm',
  statement: prose`
    Root-mean-square layer normalisation (Zhang & Sennrich, 2019) over the last axis. x is
    [B, T, D] and gain is [D]. For every vector x[b, t, :], divide it by √(mean over its D entries of
    x² + eps), with eps added inside the square root, then multiply elementwise by gain. There is no
    mean subtraction and no bias. Return a tensor of the same shape as x.`,
  starter: `export function rmsNorm(
  x: tf.Tensor3D, // [B, T, D]
  gain: tf.Tensor1D, // [D] learned scale g
  eps: number, // added inside the square root
): tf.Tensor3D {
  // your code: [B, T, D]
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'one sequence of 4 vectors, D 8', make: (rng) => inputs(rng, [1, 4, 8], 1, 0, 1e-6) },
    { name: 'batch of 2, vectors with a non-zero mean', make: (rng) => inputs(rng, [2, 3, 16], 1, 2, 1e-6) },
    { name: 'tiny activations: eps 1e-5 dominates the mean square', make: (rng) => inputs(rng, [2, 4, 8], 1e-3, 0, 1e-5) },
    { name: 'large activations (about 300)', make: (rng) => inputs(rng, [1, 5, 32], 300, 50, 1e-6) },
    { name: 'D 64, batch of 3', make: (rng) => inputs(rng, [3, 2, 64], 1, 0, 1e-5) },
  ],
  properties: [
    {
      name: 'batch-permutation equivariance',
      description: 'Reordering the batch reorders the output the same way: each sequence is normalised on its own.',
      make(rng: Rng) {
        const [x, gain, eps] = inputs(rng, [5, 3, 8], 1, 0.5, 1e-6);
        return [
          [x!, gain!, eps!],
          [permuteRows(x as SerializedTensor, permutation(rng, 5)), gain!, eps!],
        ];
      },
      holds(outputs, calls) {
        const x = calls[0]![0] as SerializedTensor;
        const xp = calls[1]![0] as SerializedTensor;
        const order = rowOrder(x, xp);
        const first = outputs[0]!;
        if (!order || first.kind !== 'tensor' || first.shape[0] !== x.shape[0]) return 'the output of the first call is not a [B, T, D] tensor';
        return sameWithin(outputs[1], permuteRows(first, order), FLOAT32, 'f(permuted x) vs permuted f(x)');
      },
    },
  ],
  reference(tf: Tf, x: tf.Tensor3D, gain: tf.Tensor1D, eps: number): tf.Tensor3D {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.div(x, tf.sqrt(tf.add(meanSquare, eps))), gain);
  },
});
