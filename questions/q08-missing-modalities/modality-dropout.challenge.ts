/** Q8: modality dropout for training with missing modalities, and the masked fusion that follows it. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, bool, defineChallenge, numbers, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';

/** Uniforms closer than this to a drop probability are redrawn, so float32 rounding cannot flip a decision. */
const MARGIN = 1e-3;

/** features [B, M, D], present [B, M] (each row with at least one 1 unless `allowEmpty`), pDrop [M], uniforms [B, M]. */
function batch(rng: Rng, size: number, modalities: number, dim: number, pDrop: number[], training: boolean, presentRate = 0.8, allowEmpty = false) {
  const present: number[][] = Array.from({ length: size }, () => Array.from({ length: modalities }, (): number => (rng.uniform() < presentRate ? 1 : 0)));
  if (!allowEmpty) for (const row of present) if (!row.includes(1)) row[rng.int(0, modalities)] = 1;
  const uniforms = Array.from({ length: size * modalities }, (_, i) => {
    const p = pDrop[i % modalities]!;
    let u = rng.uniform();
    while (Math.abs(u - p) < MARGIN) u = rng.uniform();
    return u;
  });
  return [randn(rng, [size, modalities, dim]), tensor([size, modalities], present.flat()), numbers(pDrop), tensor([size, modalities], uniforms), bool(training)];
}

export default defineChallenge({
  id: 'modality-dropout',
  title: 'Modality dropout and masked fusion',
  questionId: 'q8',
  functionName: 'modalityDropout',
  statement: prose`
    Training-time modality dropout (as in ModDrop, Neverova et al., 2015) for B examples with M
    modalities, followed by mean fusion. features is [B, M, D], one pooled embedding per modality;
    present is [B, M], 1 where the example has that modality; pDrop[m] is the probability of dropping
    modality m when it is present; uniforms is [B, M], the random draws. When training is true,
    modality m of example b is kept iff present[b][m] = 1 and uniforms[b][m] ≥ pDrop[m], except that
    an example must not lose every modality it has: if that rule would drop all of an example's
    present modalities, keep instead the one of them with the largest uniform (the smaller m on a
    tie). When training is false nothing is dropped: keep = present. An absent modality is never kept.
    Then fused[b] is the mean of features[b][m] over the kept m only (zeros when an example has no
    modality at all). Return { keep: [B, M] of 1s and 0s, fused: [B, D] }.`,
  starter: `export function modalityDropout(
  features: tf.Tensor3D, // [B, M, D]
  present: tf.Tensor2D, // [B, M] 1 = this example has modality m
  pDrop: number[], // [M] drop probability per modality
  uniforms: tf.Tensor2D, // [B, M] in [0, 1)
  training: boolean,
): { keep: tf.Tensor2D; fused: tf.Tensor2D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: '4 examples, image/text/audio all present', make: (rng) => batch(rng, 4, 3, 4, [0.3, 0.2, 0.5], true, 1) },
    { name: 'some modalities missing, training', make: (rng) => batch(rng, 6, 3, 4, [0.3, 0.1, 0.4], true) },
    { name: 'high drop rates: the keep-one rule', make: (rng) => batch(rng, 8, 3, 4, [0.9, 0.85, 0.95], true, 0.9) },
    { name: 'inference: nothing dropped', make: (rng) => batch(rng, 5, 3, 4, [0.5, 0.5, 0.5], false, 0.6) },
    { name: 'an example with no modality at all', make: (rng) => batch(rng, 6, 2, 3, [0.4, 0.3], true, 0.4, true) },
    { name: '16 examples, 4 modalities, D 8', make: (rng) => batch(rng, 16, 4, 8, [0.25, 0.15, 0.35, 0.5], true, 0.75) },
  ],
  reference(tf: Tf, features: tf.Tensor3D, present: tf.Tensor2D, pDrop: number[], uniforms: tf.Tensor2D, training: boolean): { keep: tf.Tensor2D; fused: tf.Tensor2D } {
    const modalities = present.shape[1];
    let keep: tf.Tensor2D = present;
    if (training) {
      const survive = tf.mul(present, tf.cast(tf.greaterEqual(uniforms, tf.tensor1d(pDrop)), 'float32'));
      // Where nothing survived but something was present: keep the present modality with the largest uniform.
      const lost = tf.mul(tf.cast(tf.equal(tf.sum(survive, 1, true), 0), 'float32'), tf.cast(tf.greater(tf.sum(present, 1, true), 0), 'float32'));
      // Absent modalities score −1 so argMax picks a present one; argMax returns the first maximum.
      const best = tf.argMax(tf.sub(tf.mul(uniforms, present), tf.sub(1, present)), 1);
      const rescue = tf.mul(tf.oneHot(best, modalities), lost);
      keep = tf.add(survive, rescue) as tf.Tensor2D;
    }
    const counts = tf.sum(keep, 1, true); // [B, 1]
    const summed = tf.sum(tf.mul(features, tf.expandDims(keep, 2)), 1); // [B, D]
    const fused = tf.div(summed, tf.maximum(counts, 1)) as tf.Tensor2D;
    return { keep, fused };
  },
});
