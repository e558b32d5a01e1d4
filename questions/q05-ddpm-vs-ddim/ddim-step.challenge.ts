/** Q5: one DDIM step, deterministic or with η-scaled noise. */
import type * as tf from '@tensorflow/tfjs-core';
import type { SerializedTensor } from '../../shared/challenge.js';
import { FLOAT32, defineChallenge, num, prose, randn, tensor, type Rng, type Tf } from '../_lib/define.js';
import { firstFailure, sameWithin } from '../_lib/relations.js';

/** Inverting a step divides by √ᾱ_s: a few float32 roundings more than the step itself. */
const INVERSION_TOLERANCE = { abs: 1e-3, rel: 1e-3 };

/**
 * DDIM inversion (Song et al., 2021, §4.3; the basis of DDIM-inversion image editing): with η = 0
 * the step is a deterministic, invertible map given ε, so x_t = √ᾱ_t·x̂₀ + √(1 − ᾱ_t)·ε with
 * x̂₀ = (x_s − √(1 − ᾱ_s)·ε)/√ᾱ_s recovers the input from the candidate's output.
 */
function invert(xs: SerializedTensor, eps: SerializedTensor, alphaBarT: number, alphaBarPrev: number): SerializedTensor {
  return tensor(
    xs.shape,
    xs.data.map((x, i) => {
      const x0 = (x - Math.sqrt(1 - alphaBarPrev) * eps.data[i]!) / Math.sqrt(alphaBarPrev);
      return Math.sqrt(alphaBarT) * x0 + Math.sqrt(1 - alphaBarT) * eps.data[i]!;
    }),
  );
}

const INVERSION_STEPS: ReadonlyArray<[number, number]> = [
  [0.3, 0.5],
  [0.05, 0.2],
  [0.7, 0.95],
];

const step = (rng: Rng, shape: number[], alphaBarT: number, alphaBarPrev: number, eta: number) => [
  randn(rng, shape),
  randn(rng, shape),
  num(alphaBarT),
  num(alphaBarPrev),
  num(eta),
  randn(rng, shape),
];

export default defineChallenge({
  id: 'ddim-step',
  title: 'DDIM step',
  questionId: 'q5',
  functionName: 'ddimStep',
  statement: prose`
    One DDIM update (Song et al., 2021) from timestep t to an earlier timestep s for an
    ε-predicting model. alphaBarT = ᾱ_t and alphaBarPrev = ᾱ_s are cumulative products of (1 − β);
    alphaBarPrev is 1 when s is past the end of sampling. The stochasticity is η = eta, with
    σ = η·√((1 − ᾱ_s)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_s), and the random part of the update is σ·noise
    (so η = 0 ignores noise). Do not clip the predicted x₀. All tensors are [batch, height, width,
    channels]; return x_s with the same shape.`,
  starter: `export function ddimStep(
  xT: tf.Tensor4D, // x_t: [batch, height, width, channels]
  epsPred: tf.Tensor4D, // ε_θ(x_t, t), same shape
  alphaBarT: number, // ᾱ_t
  alphaBarPrev: number, // ᾱ_s for the earlier timestep s (1 after the last step)
  eta: number, // 0 = deterministic
  noise: tf.Tensor4D, // z ~ N(0, I), same shape
): tf.Tensor4D {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'η 0, mid-schedule jump (ᾱ 0.5 → 0.7)', make: (rng) => step(rng, [2, 4, 4, 3], 0.5, 0.7, 0) },
    { name: 'η 1 (DDPM-like noise)', make: (rng) => step(rng, [2, 4, 4, 3], 0.3, 0.45, 1) },
    { name: 'η 0.5', make: (rng) => step(rng, [1, 8, 8, 3], 0.62, 0.81, 0.5) },
    { name: 'final step: ᾱ_s = 1 returns the predicted x₀', make: (rng) => step(rng, [2, 3, 3, 2], 0.98, 1, 0) },
    { name: 'first step from near-pure noise (ᾱ_t 0.0001)', make: (rng) => step(rng, [1, 4, 4, 3], 0.0001, 0.02, 0) },
  ],
  properties: [
    {
      name: 'DDIM inversion',
      description: 'With η = 0 the step is invertible: running it backwards with the same ε recovers x_t exactly.',
      make(rng: Rng) {
        return INVERSION_STEPS.map(([alphaBarT, alphaBarPrev]) => step(rng, [1, 4, 4, 3], alphaBarT, alphaBarPrev, 0));
      },
      holds(outputs, calls) {
        return firstFailure(
          ...calls.map((call, i) => {
            const out = outputs[i]!;
            const [xT, eps, alphaBarT, alphaBarPrev] = call as [SerializedTensor, SerializedTensor, { value: number }, { value: number }];
            if (out.kind !== 'tensor' || out.data.length !== xT.data.length) return `call ${i + 1}: the output is not a tensor shaped like x_t`;
            return sameWithin(invert(out, eps, alphaBarT.value, alphaBarPrev.value), xT, INVERSION_TOLERANCE, `call ${i + 1} (ᾱ ${alphaBarT.value} → ${alphaBarPrev.value}): x_t recovered from your x_s vs the x_t given`);
          }),
        );
      },
    },
  ],
  reference(tf: Tf, xT: tf.Tensor4D, epsPred: tf.Tensor4D, alphaBarT: number, alphaBarPrev: number, eta: number, noise: tf.Tensor4D): tf.Tensor4D {
    const sigma = eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBarT)) * Math.sqrt(1 - alphaBarT / alphaBarPrev);
    const x0 = tf.div(tf.sub(xT, tf.mul(Math.sqrt(1 - alphaBarT), epsPred)), Math.sqrt(alphaBarT));
    // max(0, ·): 1 - ᾱ_s - σ² can round to a hair below 0 when η = 1 and ᾱ_s is close to 1.
    const towardsXt = tf.mul(Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma)), epsPred);
    return tf.add(tf.add(tf.mul(Math.sqrt(alphaBarPrev), x0), towardsXt), tf.mul(sigma, noise));
  },
});
