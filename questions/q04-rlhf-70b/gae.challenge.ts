/** Q4: generalised advantage estimation for one trajectory. */
import { defineChallenge, numbers, num, prose, type Rng, type Tf } from '../_lib/define.js';

/** T rewards and T + 1 values; `terminal` makes the bootstrap value 0. */
const trajectory = (rng: Rng, steps: number, terminal: boolean, gamma: number, lambda: number) => {
  const rewards = Array.from({ length: steps }, () => Number((rng.normal() * 0.5).toFixed(4)));
  const values = Array.from({ length: steps + 1 }, (_, t) => (terminal && t === steps ? 0 : Number(rng.normal().toFixed(4))));
  return [numbers(rewards), numbers(values), num(gamma), num(lambda)];
};

export default defineChallenge({
  id: 'gae',
  title: 'Generalised advantage estimation',
  questionId: 'q4',
  functionName: 'gae',
  statement: prose`
    One trajectory of T steps: rewards[t] is the reward r_t received after step t (t = 0 … T − 1),
    and values has T + 1 entries V(s_0) … V(s_T), the last being the value of the state after the
    final step (0 when the episode ended there, an estimate when it was cut off). Return the T
    generalised advantage estimates Â_0 … Â_{T−1} (Schulman et al., 2016) with discount gamma and
    GAE parameter lambda, as plain numbers: no normalisation or whitening.`,
  starter: `export function gae(
  rewards: number[], // [T]
  values: number[], // [T + 1]: V(s_0) … V(s_T)
  gamma: number,
  lambda: number,
): number[] {
  // your code
}
`,
  tolerance: { abs: 1e-5, rel: 1e-5 },
  cases: [
    { name: 'text-style: γ 1, λ 0.95, episode ends', make: (rng) => trajectory(rng, 8, true, 1, 0.95) },
    { name: 'γ 0.99, λ 0.9, cut off with a bootstrap value', make: (rng) => trajectory(rng, 20, false, 0.99, 0.9) },
    { name: 'λ 0: one-step TD errors', make: (rng) => trajectory(rng, 6, false, 0.9, 0) },
    { name: 'λ 1, γ 1: return-to-go minus value', make: (rng) => trajectory(rng, 10, true, 1, 1) },
    { name: 'a single step', make: (rng) => trajectory(rng, 1, false, 0.99, 0.95) },
  ],
  reference(_tf: Tf, rewards: number[], values: number[], gamma: number, lambda: number): number[] {
    const advantages = new Array<number>(rewards.length);
    let next = 0; // Â_{t+1}; nothing follows the last step
    for (let t = rewards.length - 1; t >= 0; t--) {
      const tdError = rewards[t]! + gamma * values[t + 1]! - values[t]!;
      next = tdError + gamma * lambda * next;
      advantages[t] = next;
    }
    return advantages;
  },
});
