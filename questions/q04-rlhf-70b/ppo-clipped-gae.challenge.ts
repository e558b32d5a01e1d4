/** Q4: the RLHF PPO step: KL-penalised token rewards, GAE advantages, clipped surrogate loss. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor, SerializedValue } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, record, tensor, tensorFrom, type Rng, type Tf } from '../_lib/define.js';
import { fieldOf, firstFailure, sameWithin } from '../_lib/relations.js';

/** [B, T] → [B, T + extra]: each row gets `extra` more slots, filled by `fill`. */
function widen(t: SerializedTensor, extra: number, fill: () => number): SerializedTensor {
  const [batch, slots] = t.shape as [number, number];
  const data: number[] = [];
  for (let b = 0; b < batch; b++) data.push(...t.data.slice(b * slots, (b + 1) * slots), ...Array.from({ length: extra }, fill));
  return tensor([batch, slots + extra], data);
}

/** The first `slots` columns of a [B, T'] tensor, and the rest. */
function splitColumns(v: SerializedValue | undefined, slots: number): [SerializedTensor, SerializedTensor] | null {
  if (v?.kind !== 'tensor' || v.shape.length !== 2) return null;
  const [batch, wide] = v.shape as [number, number];
  const take = (from: number, to: number) => {
    const data: number[] = [];
    for (let b = 0; b < batch; b++) data.push(...v.data.slice(b * wide + from, b * wide + to));
    return tensor([batch, to - from], data);
  };
  return [take(0, slots), take(slots, wide)];
}

const PADDING_SLOTS = 4;

interface Settings {
  batch: number;
  slots: number;
  /** response lengths; random in [1, slots] when absent */
  lengths?: number[];
  /** spread of log π_θ - log π_old (0: the policy has not moved) */
  shift: number;
  beta: number;
  gamma: number;
  lambda: number;
  clipEps: number;
}

const rollout = (rng: Rng, s: Settings) => {
  const lengths = s.lengths ?? Array.from({ length: s.batch }, () => rng.int(1, s.slots + 1));
  const shape = [s.batch, s.slots];
  // Token log-probs in (-4, 0); π_ref differs from π_old a little; padding slots hold junk on
  // purpose, since a correct answer must ignore them.
  const oldLogp = tensorFrom(shape, () => -4 * rng.uniform());
  const refLogp = tensor(shape, oldLogp.data.map((x) => Math.min(0, x + 0.3 * rng.normal())));
  const newLogp = tensor(shape, oldLogp.data.map((x) => x + s.shift * rng.normal()));
  const values = tensorFrom(shape, () => rng.normal());
  const scores = tensorFrom([s.batch], () => 2 * rng.normal());
  const mask = tensorFrom(shape, ([b, t]) => (t! < lengths[b!]! ? 1 : 0));
  const config = record({ beta: num(s.beta), gamma: num(s.gamma), lambda: num(s.lambda), clipEps: num(s.clipEps) });
  return [newLogp, oldLogp, refLogp, values, scores, mask, config];
};

export default defineChallenge({
  id: 'ppo-clipped-gae',
  title: 'PPO for RLHF: KL-penalised rewards, GAE and the clipped objective',
  questionId: 'q4',
  functionName: 'ppoLoss',
  statement: prose`
    A batch of B sampled responses, T token slots each. newLogp, oldLogp and refLogp are [B, T]
    natural-log probabilities of the sampled tokens under the policy being trained (π_θ), the policy
    that sampled them (π_old) and the frozen reference (π_ref); values is [B, T], the critic's V(s_t)
    recorded at sampling time; scores is [B], the reward model's score of each whole response; mask
    is [B, T], 1 on response tokens and 0 on padding, and each row's 1s are a prefix of length ≥ 1.
    Per-token rewards: r_t = −beta·(oldLogp_t − refLogp_t) on every response token, plus the
    response's score added at its last response token. Advantages: GAE with gamma and lambda along
    each response, taking the value after the last response token as 0; returns = advantages +
    values. Both are 0 on padding and are not whitened, and the loss uses the advantages as they
    are (a real run often whitens them for the loss only). Loss: the PPO clipped surrogate with
    clipping range clipEps, negated, averaged over all response tokens of the batch (sum over
    response tokens divided by their count). Return { loss: scalar, advantages: [B, T], returns:
    [B, T] }.`,
  starter: `export function ppoLoss(
  newLogp: tf.Tensor2D, // [B, T] log π_θ(a_t | s_t)
  oldLogp: tf.Tensor2D, // [B, T] log π_old(a_t | s_t)
  refLogp: tf.Tensor2D, // [B, T] log π_ref(a_t | s_t)
  values: tf.Tensor2D, // [B, T] V(s_t) at sampling time
  scores: tf.Tensor1D, // [B] reward model score per response
  mask: tf.Tensor2D, // [B, T] 1 = response token, 0 = padding
  config: { beta: number; gamma: number; lambda: number; clipEps: number },
): { loss: tf.Scalar; advantages: tf.Tensor2D; returns: tf.Tensor2D } {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    {
      name: 'one response, no padding',
      make: (rng) => rollout(rng, { batch: 1, slots: 6, lengths: [6], shift: 0.1, beta: 0.05, gamma: 1, lambda: 0.95, clipEps: 0.2 }),
    },
    {
      name: 'batch of 4 with padding',
      make: (rng) => rollout(rng, { batch: 4, slots: 12, lengths: [12, 5, 1, 9], shift: 0.1, beta: 0.1, gamma: 1, lambda: 0.95, clipEps: 0.2 }),
    },
    {
      name: 'policy not yet moved (ratio 1)',
      make: (rng) => rollout(rng, { batch: 3, slots: 8, shift: 0, beta: 0.05, gamma: 1, lambda: 0.95, clipEps: 0.2 }),
    },
    {
      name: 'large policy shift: clipping active on both sides',
      make: (rng) => rollout(rng, { batch: 4, slots: 10, shift: 0.6, beta: 0.02, gamma: 1, lambda: 0.9, clipEps: 0.1 }),
    },
    {
      name: 'no KL penalty (β 0), γ 0.99, λ 0.8',
      make: (rng) => rollout(rng, { batch: 2, slots: 16, shift: 0.2, beta: 0, gamma: 0.99, lambda: 0.8, clipEps: 0.2 }),
    },
  ],
  properties: [
    {
      name: 'padding invariance',
      description: 'Adding padding slots (mask 0, junk values) changes neither the loss nor the advantages and returns of real tokens, and those are 0 on the padding.',
      make(rng: Rng) {
        const call = rollout(rng, { batch: 3, slots: 6, lengths: [6, 3, 1], shift: 0.2, beta: 0.05, gamma: 1, lambda: 0.95, clipEps: 0.2 });
        const junk = () => 3 * rng.normal();
        const padded = call.map((v, i) => (i === 4 || i === 6 ? v : widen(v as SerializedTensor, PADDING_SLOTS, i === 5 ? () => 0 : junk)));
        return [call, padded];
      },
      holds(outputs) {
        const [plain, padded] = outputs as [SerializedValue, SerializedValue];
        const zeros = (like: SerializedTensor) => tensor(like.shape, like.data.map(() => 0));
        const checks: Array<string | null> = [sameWithin(fieldOf(padded, 'loss'), fieldOf(plain, 'loss'), FLOAT32, 'loss with padding vs without')];
        for (const field of ['advantages', 'returns']) {
          const parts = splitColumns(fieldOf(padded, field), 6);
          if (!parts) return `${field}: not a [B, T] tensor`;
          checks.push(sameWithin(parts[0], fieldOf(plain, field), FLOAT32, `${field} on real slots with padding vs without`));
          checks.push(sameWithin(parts[1], zeros(parts[1]), FLOAT32, `${field} on the added padding`));
        }
        return firstFailure(...checks);
      },
    },
  ],
  reference(
    tf: Tf,
    newLogp: tf.Tensor2D,
    oldLogp: tf.Tensor2D,
    refLogp: tf.Tensor2D,
    values: tf.Tensor2D,
    scores: tf.Tensor1D,
    mask: tf.Tensor2D,
    config: { beta: number; gamma: number; lambda: number; clipEps: number },
  ): { loss: tf.Scalar; advantages: tf.Tensor2D; returns: tf.Tensor2D } {
    const { beta, gamma, lambda, clipEps } = config;
    const [batch, slots] = mask.shape;
    // The mask shifted left by one: mask_{t+1}, with nothing after the last slot.
    const maskNext = tf.concat([tf.slice(mask, [0, 1], [batch, slots - 1]), tf.zeros([batch, 1])], 1);
    const isLast = tf.sub(mask, maskNext); // 1 exactly at each response's last token
    const klPenalty = tf.mul(-beta, tf.sub(oldLogp, refLogp));
    const rewards = tf.mul(tf.add(klPenalty, tf.mul(isLast, tf.reshape(scores, [batch, 1]))), mask);
    // V(s_{t+1}), zero once the response has ended.
    const valueNext = tf.mul(tf.concat([tf.slice(values, [0, 1], [batch, slots - 1]), tf.zeros([batch, 1])], 1), maskNext);
    const tdErrors = tf.unstack(tf.mul(tf.sub(tf.add(rewards, tf.mul(gamma, valueNext)), values), mask), 1);
    const maskCols = tf.unstack(mask, 1);
    const columns: tf.Tensor1D[] = new Array(slots);
    let next: tf.Tensor1D = tf.zeros([batch]);
    for (let t = slots - 1; t >= 0; t--) {
      next = tf.mul(tf.add(tdErrors[t]!, tf.mul(gamma * lambda, next)), maskCols[t]!);
      columns[t] = next;
    }
    const advantages = tf.stack(columns, 1) as tf.Tensor2D;
    const returns = tf.mul(tf.add(advantages, values), mask) as tf.Tensor2D;

    const ratio = tf.exp(tf.sub(newLogp, oldLogp)); // against π_old: π_ref only enters the reward
    const unclipped = tf.mul(ratio, advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - clipEps, 1 + clipEps), advantages);
    const surrogate = tf.sum(tf.mul(tf.minimum(unclipped, clipped), mask));
    const loss = tf.neg(tf.div(surrogate, tf.sum(mask))) as tf.Scalar;
    return { loss, advantages, returns };
  },
});
