/** Q5: one ancestral DDPM step. */
import type * as tf from '@tensorflow/tfjs-core';
import { FLOAT32, defineChallenge, num, numbers, prose, randn, type Rng, type Tf } from '../_lib/define.js';

/** βₜ linear from 1e-4 to 0.02 over `steps` (Ho et al.'s schedule), rounded to 6 significant digits. */
const linearBetas = (steps: number) => Array.from({ length: steps }, (_, t) => Number((1e-4 + ((0.02 - 1e-4) * t) / (steps - 1)).toPrecision(6)));

/** The cosine schedule (Nichol & Dhariwal): βₜ from ᾱ(t) = cos²(((t/T) + s)/(1 + s) · π/2), capped at 0.999. */
const cosineBetas = (steps: number) => {
  const f = (t: number) => Math.cos((((t / steps) + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  return Array.from({ length: steps }, (_, t) => Number(Math.min(0.999, 1 - f(t + 1) / f(t)).toPrecision(6)));
};

const step = (rng: Rng, shape: number[], t: number, betas: number[]) => [randn(rng, shape), randn(rng, shape), num(t), numbers(betas), randn(rng, shape)];

export default defineChallenge({
  id: 'ddpm-step',
  title: 'DDPM reverse step',
  questionId: 'q5',
  functionName: 'ddpmStep',
  statement: prose`
    betas is the noise schedule β_0 … β_{T−1}, timesteps counted from 0; α_t = 1 − β_t and
    ᾱ_t = α_0·α_1·…·α_t. Given x_t and the network's noise prediction epsPred at timestep t, return
    x_{t−1}, one ancestral DDPM sampling step (Ho et al., 2020) for an ε-predicting model, adding
    σ_t·noise where σ_t² is the posterior variance β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), taking
    ᾱ_{−1} = 1 (so the step at t = 0 adds no noise). All tensors are [batch, height, width,
    channels]; no clipping.`,
  starter: `export function ddpmStep(
  xT: tf.Tensor4D, // x_t: [batch, height, width, channels]
  epsPred: tf.Tensor4D, // ε_θ(x_t, t), same shape
  t: number, // 0 … T - 1
  betas: number[], // β_0 … β_{T-1}
  noise: tf.Tensor4D, // z ~ N(0, I), same shape
): tf.Tensor4D {
  // your code
}
`,
  tolerance: FLOAT32,
  cases: [
    { name: 'linear schedule (T 1000), t 500', make: (rng) => step(rng, [2, 4, 4, 3], 500, linearBetas(1000)) },
    { name: 'the first reverse step, t 999 (ᾱ near 0)', make: (rng) => step(rng, [1, 4, 4, 3], 999, linearBetas(1000)) },
    { name: 'the last step, t 0: no noise added', make: (rng) => step(rng, [2, 3, 3, 2], 0, linearBetas(100)) },
    { name: 't 1: a tiny posterior variance', make: (rng) => step(rng, [1, 4, 4, 1], 1, linearBetas(100)) },
    { name: 'cosine schedule (T 50), t 20', make: (rng) => step(rng, [2, 8, 8, 3], 20, cosineBetas(50)) },
  ],
  reference(tf: Tf, xT: tf.Tensor4D, epsPred: tf.Tensor4D, t: number, betas: number[], noise: tf.Tensor4D): tf.Tensor4D {
    // Schedule scalars in float64; only the tensor arithmetic is float32.
    let alphaBar = 1;
    let alphaBarPrev = 1;
    for (let s = 0; s <= t; s++) {
      alphaBarPrev = alphaBar;
      alphaBar *= 1 - betas[s]!;
    }
    const beta = betas[t]!;
    const alpha = 1 - beta;
    const mean = tf.div(tf.sub(xT, tf.mul(beta / Math.sqrt(1 - alphaBar), epsPred)), Math.sqrt(alpha));
    const sigma = Math.sqrt((beta * (1 - alphaBarPrev)) / (1 - alphaBar));
    return tf.add(mean, tf.mul(sigma, noise));
  },
});
