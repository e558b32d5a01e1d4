/** Q3: the pairwise reward-model loss of RLHF (Bradley–Terry, as in InstructGPT and Llama 2). */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, prose, tensor, type Rng, type Tf } from '../_lib/define.js';
import { permutation, permuteRows, sameWithin } from '../_lib/relations.js';

/** B pairs; `gap` spreads chosen − rejected; `ties` pairs get equal rewards; margins in [0, maxMargin). */
function pairs(rng: Rng, batch: number, gap: number, maxMargin: number, ties = 0) {
  const rejected = Array.from({ length: batch }, () => 2 * rng.normal());
  const chosen = rejected.map((r, i) => (i < ties ? r : r + gap * rng.normal()));
  const margins = Array.from({ length: batch }, () => maxMargin * rng.uniform());
  return [tensor([batch], chosen), tensor([batch], rejected), tensor([batch], margins)];
}

export default defineChallenge({
  id: 'bradley-terry-loss',
  title: 'Reward model loss (Bradley–Terry)',
  questionId: 'q3',
  functionName: 'rewardModelLoss',
  statement: prose`
    Training loss of a reward model on B human preference pairs under the Bradley–Terry model
    (Ouyang et al., 2022; with the per-pair margin of Touvron et al., 2023). chosen[i] and rejected[i]
    are the scalar rewards the model gives the preferred and the dispreferred response of pair i, and
    margin[i] ≥ 0 says how strongly the labeller preferred it. The loss of pair i is
    −log σ(chosen[i] − rejected[i] − margin[i]), σ the logistic function; return { loss: the mean over
    the B pairs (a scalar), accuracy: the fraction of pairs with chosen[i] > rejected[i], ignoring
    margins, where equal rewards count as wrong (a scalar) }. Some reward gaps exceed 100, where
    log σ of a large negative number computed naively is −∞ in float32.`,
  starter: `export function rewardModelLoss(
  chosen: tf.Tensor1D, // [B] reward of the preferred response
  rejected: tf.Tensor1D, // [B] reward of the other response
  margin: tf.Tensor1D, // [B] ≥ 0
): { loss: tf.Scalar; accuracy: tf.Scalar } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: '4 pairs, no margins', make: (rng) => pairs(rng, 4, 1.5, 0) },
    { name: '8 pairs with margins up to 1', make: (rng) => pairs(rng, 8, 1.5, 1) },
    { name: 'two tied pairs count as wrong', make: (rng) => pairs(rng, 6, 1, 0.5, 2) },
    { name: 'reward gaps over 100 in both directions', make: (rng) => pairs(rng, 6, 120, 0) },
    { name: '64 pairs', make: (rng) => pairs(rng, 64, 2, 1) },
  ],
  properties: [
    {
      name: 'pair-permutation invariance',
      description: 'Reordering the pairs (all three inputs alike) leaves loss and accuracy unchanged.',
      make(rng: Rng) {
        const [chosen, rejected, margin] = pairs(rng, 12, 2, 1);
        const order = permutation(rng, 12);
        const p = (t: SerializedTensor) => permuteRows(t, order);
        return [
          [chosen!, rejected!, margin!],
          [p(chosen!), p(rejected!), p(margin!)],
        ];
      },
      holds(outputs) {
        return sameWithin(outputs[1], outputs[0], FLOAT32, 'result for reordered pairs vs the original order');
      },
    },
  ],
  reference(tf: Tf, chosen: tf.Tensor1D, rejected: tf.Tensor1D, margin: tf.Tensor1D): { loss: tf.Scalar; accuracy: tf.Scalar } {
    const gap = tf.sub(chosen, rejected);
    // −log σ(z) = softplus(−z), which tfjs evaluates without overflow.
    const loss = tf.mean(tf.softplus(tf.neg(tf.sub(gap, margin)))) as tf.Scalar;
    const accuracy = tf.mean(tf.cast(tf.greater(gap, 0), 'float32')) as tf.Scalar;
    return { loss, accuracy };
  },
});
