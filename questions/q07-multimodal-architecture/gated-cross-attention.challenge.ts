/** Q7: fusing image tokens into a language model with tanh-gated cross-attention (Flamingo). */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';
import { concatRows, sameWithin } from '../_lib/relations.js';

/** text [T, D], media [S, D] with the last `padded` tokens masked out, four projections [D, D], gate α. */
function inputs(rng: Rng, tokens: number, media: number, dim: number, padded: number, alpha: number) {
  const w = () => randn(rng, [dim, dim], 1 / Math.sqrt(dim));
  return [randn(rng, [tokens, dim]), randn(rng, [media, dim]), tensor([media], Array.from({ length: media }, (_, i) => (i < media - padded ? 1 : 0))), w(), w(), w(), w(), num(alpha)];
}

export default defineChallenge({
  id: 'gated-cross-attention',
  title: 'Fusion: tanh-gated cross-attention (Flamingo)',
  questionId: 'q7',
  functionName: 'gatedCrossAttention',
  statement: prose`
    Fuse visual tokens into a text stream with one gated cross-attention layer (Alayrac et al.,
    2022), single head, no layer norm. text is [T, D] (queries), media is [S, D] (keys and values),
    mediaMask is [S] with 1 for a real visual token and 0 for padding. With Q = text·wq, K = media·wk,
    V = media·wv (all projections [D, D]), each text token attends over the real visual tokens only,
    with weights softmax(Q·Kᵀ/√D); the attended values are projected by wo and added to the text
    through the tanh gate: output = text + tanh(alpha)·(attention·V)·wo. When mediaMask is all 0
    (the image is missing), the attention term is 0 and output = text. Return output, [T, D].`,
  starter: `export function gatedCrossAttention(
  text: tf.Tensor2D, // [T, D]
  media: tf.Tensor2D, // [S, D]
  mediaMask: tf.Tensor1D, // [S] 1 = real visual token, 0 = padding
  wq: tf.Tensor2D, // [D, D]
  wk: tf.Tensor2D, // [D, D]
  wv: tf.Tensor2D, // [D, D]
  wo: tf.Tensor2D, // [D, D]
  alpha: number, // gate parameter; the gate is tanh(alpha)
): tf.Tensor2D {
  // your code: [T, D]
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: '3 text tokens, 4 visual tokens, D 8', make: (rng) => inputs(rng, 3, 4, 8, 0, 0.7) },
    { name: 'two padded visual tokens hold junk', make: (rng) => inputs(rng, 4, 6, 8, 2, 1.2) },
    { name: 'gate at initialisation (alpha 0): output = text', make: (rng) => inputs(rng, 3, 5, 8, 1, 0) },
    { name: 'image missing: every visual token masked', make: (rng) => inputs(rng, 3, 4, 8, 4, 0.9) },
    { name: '8 text tokens, 16 visual tokens (5 padded), D 16', make: (rng) => inputs(rng, 8, 16, 16, 5, -0.4) },
  ],
  properties: [
    {
      name: 'padding invariance',
      description: 'Appending masked visual tokens, whatever they hold, leaves the output unchanged.',
      make(rng: Rng) {
        const [text, media, mask, ...weightsAndGate] = inputs(rng, 4, 5, 8, 1, 0.8);
        const junk = randn(rng, [3, 8], 5);
        const paddedMask = tensor([8], [...(mask as SerializedTensor).data, 0, 0, 0]);
        return [
          [text!, media!, mask!, ...weightsAndGate],
          [text!, concatRows(media as SerializedTensor, junk), paddedMask, ...weightsAndGate],
        ];
      },
      holds(outputs) {
        return sameWithin(outputs[1], outputs[0], FLOAT32, 'output with 3 more padded visual tokens vs without');
      },
    },
  ],
  reference(tf: Tf, text: tf.Tensor2D, media: tf.Tensor2D, mediaMask: tf.Tensor1D, wq: tf.Tensor2D, wk: tf.Tensor2D, wv: tf.Tensor2D, wo: tf.Tensor2D, alpha: number): tf.Tensor2D {
    const dim = text.shape[1];
    const scores = tf.div(tf.matMul(tf.matMul(text, wq), tf.matMul(media, wk), false, true), Math.sqrt(dim));
    // Masked keys get −∞ in effect; exp of (score − max) over real keys only, normalised by their sum.
    const keep = tf.reshape(mediaMask, [1, -1]);
    const shifted = tf.sub(scores, tf.max(tf.add(scores, tf.mul(tf.sub(keep, 1), 1e9)), 1, true));
    const weights = tf.mul(tf.exp(tf.minimum(shifted, 0)), keep);
    const total = tf.sum(weights, 1, true);
    // A row with no real key has total 0: its attention term is defined as 0.
    const attention = tf.div(weights, tf.maximum(total, 1e-30));
    const attended = tf.matMul(tf.matMul(attention, tf.matMul(media, wv)), wo);
    return tf.add(text, tf.mul(Math.tanh(alpha), attended));
  },
});
