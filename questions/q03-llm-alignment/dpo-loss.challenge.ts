/** Q3: the DPO loss from sequence log-probabilities. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, num, prose, tensor, tensorFrom, type Rng, type Tf } from '../_lib/define.js';

/** Summed response log-probs: reference around -120, policy drifted from it by `drift`. */
const pairs = (rng: Rng, batch: number, drift: number) => {
  const ref = () => tensorFrom([batch], () => -40 - 160 * rng.uniform());
  const refChosen = ref();
  const refRejected = ref();
  const shifted = (t: { data: number[] }) => tensor([batch], t.data.map((x) => x + drift * rng.normal()));
  return [shifted(refChosen), shifted(refRejected), refChosen, refRejected];
};

export default defineChallenge({
  id: 'dpo-loss',
  title: 'Direct preference optimisation loss',
  questionId: 'q3',
  functionName: 'dpoLoss',
  statement: prose`
    For a batch of B preference pairs, each input is [B] and holds the summed log-probability
    (natural log) of a whole response given its prompt: policyChosen and policyRejected under the
    policy being trained, refChosen and refRejected under the frozen reference model; "chosen" is
    the preferred response y_w, "rejected" the other one, y_l. Return the DPO loss with temperature
    beta (Rafailov et al., 2023), averaged over the B pairs (a mean, not a sum), as a scalar tensor.
    It must stay finite and accurate when a pair's preference margin is very large in either
    direction (hundreds of nats).`,
  starter: `export function dpoLoss(
  policyChosen: tf.Tensor1D, // [B] log π_θ(y_w | x)
  policyRejected: tf.Tensor1D, // [B] log π_θ(y_l | x)
  refChosen: tf.Tensor1D, // [B] log π_ref(y_w | x)
  refRejected: tf.Tensor1D, // [B] log π_ref(y_l | x)
  beta: number,
): tf.Scalar {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    {
      name: 'policy equal to the reference (loss log 2)',
      make: (rng) => {
        const [, , refChosen, refRejected] = pairs(rng, 4, 0);
        return [refChosen!, refRejected!, refChosen!, refRejected!, num(0.1)];
      },
    },
    { name: 'batch of 8, β 0.1', make: (rng) => [...pairs(rng, 8, 5), num(0.1)] },
    { name: 'batch of 16, β 0.5', make: (rng) => [...pairs(rng, 16, 3), num(0.5)] },
    {
      name: 'margins of ±300 and ±40 (a naive log-sigmoid overflows)',
      make: () => [
        tensor([4], [-100, -350, -80, -200]),
        tensor([4], [-350, -100, -200, -80]),
        tensor([4], [-250, -100, -120, -160]),
        tensor([4], [-200, -150, -200, -80]),
        num(1),
      ],
    },
    { name: 'a single pair, β 0.05', make: (rng) => [...pairs(rng, 1, 20), num(0.05)] },
  ],
  reference(tf: Tf, policyChosen: tf.Tensor1D, policyRejected: tf.Tensor1D, refChosen: tf.Tensor1D, refRejected: tf.Tensor1D, beta: number): tf.Scalar {
    const chosenReward = tf.sub(policyChosen, refChosen);
    const rejectedReward = tf.sub(policyRejected, refRejected);
    const margin = tf.mul(beta, tf.sub(chosenReward, rejectedReward));
    // -log σ(z) = softplus(-z), which tfjs evaluates without overflow for large |z|.
    return tf.mean(tf.softplus(tf.neg(margin)));
  },
});
