/** Q7: the symmetric InfoNCE loss that aligns image and text encoders (CLIP). */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';
import { fieldOf, firstFailure, permutation, permuteRows, rowOrder, sameWithin } from '../_lib/relations.js';

/** Image and text embeddings of B pairs, text correlated with its image by `agreement`, rows of varied norm. */
function batch(rng: Rng, size: number, dim: number, agreement: number, logScale: number) {
  const images = randn(rng, [size, dim]);
  const noise = randn(rng, [size, dim]);
  const norms = Array.from({ length: size }, () => 0.5 + 3 * rng.uniform());
  const texts = { data: noise.data.map((x, i) => norms[Math.floor(i / dim)]! * (agreement * images.data[i]! + x)) };
  return [images, tensor([size, dim], texts.data), num(logScale)];
}

/** Columns of a square matrix permuted like its rows: M'[i][j] = M[order[i]][order[j]]. */
function permuteBoth(m: SerializedTensor, order: readonly number[]): SerializedTensor {
  const n = m.shape[0]!;
  return { ...m, data: order.flatMap((r) => order.map((c) => m.data[r * n + c]!)) };
}

export default defineChallenge({
  id: 'clip-contrastive-loss',
  title: 'CLIP contrastive loss (symmetric InfoNCE)',
  questionId: 'q7',
  functionName: 'clipLoss',
  statement: prose`
    The contrastive loss of CLIP (Radford et al., 2021) for a batch of B matching image–text pairs.
    imageEmb and textEmb are [B, D]; row i of each comes from pair i. L2-normalise every row, then
    logits[i][j] = exp(logScale) · (image i · text j), where logScale is the learned log-temperature
    (so the multiplier is e^logScale, not logScale). The loss is the mean of two cross-entropies with
    the matching pair as the target: image→text, over each row of logits with target column i, and
    text→image, over each column with target row j, each averaged over the batch; the total is their
    average. Return { loss: a scalar, logits: [B, B] }.`,
  starter: `export function clipLoss(
  imageEmb: tf.Tensor2D, // [B, D] not normalised
  textEmb: tf.Tensor2D, // [B, D] not normalised
  logScale: number, // learned log-temperature; logits are multiplied by exp(logScale)
): { loss: tf.Scalar; logits: tf.Tensor2D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: '4 pairs, D 8, scale e^0 = 1', make: (rng) => batch(rng, 4, 8, 1, 0) },
    { name: '6 pairs, CLIP’s initial scale 1/0.07', make: (rng) => batch(rng, 6, 16, 1, Math.log(1 / 0.07)) },
    { name: 'well-aligned pairs at the capped scale 100', make: (rng) => batch(rng, 5, 12, 4, Math.log(100)) },
    { name: 'unrelated pairs (the loss is near log B)', make: (rng) => batch(rng, 8, 16, 0, Math.log(10)) },
    { name: '16 pairs, D 32', make: (rng) => batch(rng, 16, 32, 1.5, 2.5) },
  ],
  properties: [
    {
      name: 'batch-permutation equivariance',
      description: 'Reordering the pairs leaves the loss unchanged and permutes both axes of logits alike.',
      make(rng: Rng) {
        const [images, texts, scale] = batch(rng, 7, 8, 1, 2);
        const order = permutation(rng, 7);
        return [
          [images!, texts!, scale!],
          [permuteRows(images as SerializedTensor, order), permuteRows(texts as SerializedTensor, order), scale!],
        ];
      },
      holds(outputs, calls) {
        const order = rowOrder(calls[0]![0]!, calls[1]![0]!);
        const logits = fieldOf(outputs[0]!, 'logits');
        if (!order || logits?.kind !== 'tensor' || logits.shape.length !== 2 || logits.shape[0] !== logits.shape[1]) return 'the first call did not return { loss, logits: [B, B] }';
        return firstFailure(
          sameWithin(fieldOf(outputs[1]!, 'loss'), fieldOf(outputs[0]!, 'loss'), FLOAT32, 'loss for reordered pairs vs the original'),
          sameWithin(fieldOf(outputs[1]!, 'logits'), permuteBoth(logits, order), FLOAT32, 'logits for reordered pairs vs permuted logits'),
        );
      },
    },
  ],
  reference(tf: Tf, imageEmb: tf.Tensor2D, textEmb: tf.Tensor2D, logScale: number): { loss: tf.Scalar; logits: tf.Tensor2D } {
    const normalise = (x: tf.Tensor2D) => tf.div(x, tf.norm(x, 'euclidean', 1, true));
    const logits = tf.mul(Math.exp(logScale), tf.matMul(normalise(imageEmb), normalise(textEmb), false, true)) as tf.Tensor2D;
    const size = logits.shape[0];
    // Cross-entropy with targets on the diagonal: mean of logsumexp(row) − logits[i][i].
    const diagonal = tf.sum(tf.mul(logits, tf.eye(size)), 1);
    const imageToText = tf.mean(tf.sub(tf.logSumExp(logits, 1), diagonal));
    const textToImage = tf.mean(tf.sub(tf.logSumExp(logits, 0), diagonal));
    return { loss: tf.div(tf.add(imageToText, textToImage), 2) as tf.Scalar, logits };
  },
});
