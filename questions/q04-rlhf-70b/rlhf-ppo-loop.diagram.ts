import type { DiagramTemplate } from '../_lib/diagrams/define.js';
import { arrow, blocks, data, place } from '../_lib/diagrams/blocks.js';

/**
 * Q4: RLHF with PPO — rollouts, per-token rewards (KL to the reference plus the score at the last
 * token), GAE advantages, the clipped update. Everything per token is [B, T]; only the reward
 * model's score is one number per response.
 */
function rlhfPpo(): DiagramTemplate {
  const p = (id: string) => `q04-${id}`;
  const prompts = data(p('prompts'), 'Prompts', '[B, P]', 0, 0);
  const policy = place(p('policy'), blocks.policyModel, 1, 0, { label: 'Policy model π_θ samples responses' });
  const reward = place(p('reward'), blocks.rewardModel, 2, 0, { label: 'Reward model r_φ: one score per response' });
  const lastToken = place(p('score-last-token'), blocks.rewardModel, 3, 0, {
    label: 'Score placed at the last response token',
    shape: '[B, 1] → [B, T]',
  });
  const reference = place(p('reference'), blocks.referenceModel, 2, 1, {
    label: 'Reference π_ref (frozen): log π_ref(aₜ|sₜ)',
    shape: '[B, T] → [B, T]',
  });
  const kl = place(p('kl'), blocks.referenceModel, 3, 1, {
    label: 'Per-token KL estimate kₜ = log π_old(aₜ|sₜ) − log π_ref(aₜ|sₜ)',
    shape: '[B, T]',
    width: 280,
  });
  const rewards = place(p('token-rewards'), blocks.rewardModel, 4, 1, {
    label: 'Token rewards rₜ = −β·kₜ (+ score at the last token)',
    shape: '[B, T]',
    width: 280,
  });
  const value = place(p('value'), blocks.rewardModel, 2, 2, { label: 'Value model V_ψ(sₜ)', shape: '[B, T] → [B, T]' });
  const advantages = place(p('advantages'), blocks.rewardModel, 4, 2, {
    label: 'GAE: δₜ = rₜ + γ·V(sₜ₊₁) − V(sₜ), Âₜ = δₜ + γλ·Âₜ₊₁; returns Rₜ = Âₜ + V(sₜ)',
    shape: '[B, T]',
    width: 300,
    height: 110,
  });
  const oldLogp = place(p('old-logp'), blocks.policyModel, 1, 3, {
    label: 'log π_old(aₜ|sₜ), kept from sampling',
    shape: '[B, T]',
  });
  const update = place(p('ppo-update'), blocks.policyModel, 5, 3, {
    label: 'PPO loss: −mean(min(ρₜ·Âₜ, clip(ρₜ, 1−ε, 1+ε)·Âₜ)), ρₜ = π_θ/π_old; + c·(V − R)²',
    shape: '[B, T] → []',
    width: 300,
    height: 110,
  });
  return {
    id: 'rlhf-ppo-loop',
    question: 'q04-rlhf-70b/question.md',
    title: 'RLHF / PPO loop',
    elements: [
      prompts, policy, reward, lastToken, reference, kl, rewards, value, advantages, oldLogp, update,
      arrow(p('a-prompts-policy'), prompts, policy),
      arrow(p('a-policy-reward'), policy, reward, { label: 'rollouts' }),
      arrow(p('a-reward-last'), reward, lastToken),
      arrow(p('a-policy-reference'), policy, reference),
      arrow(p('a-policy-value'), policy, value),
      arrow(p('a-policy-old'), policy, oldLogp),
      arrow(p('a-reference-kl'), reference, kl),
      arrow(p('a-old-kl'), oldLogp, kl),
      arrow(p('a-kl-rewards'), kl, rewards),
      arrow(p('a-last-rewards'), lastToken, rewards),
      arrow(p('a-rewards-advantages'), rewards, advantages),
      arrow(p('a-value-advantages'), value, advantages),
      arrow(p('a-advantages-update'), advantages, update),
      arrow(p('a-old-update'), oldLogp, update, { label: 'ratio ρ' }),
      arrow(p('a-update-policy'), update, policy, { label: 'θ ← θ − η·∇L', control: true }),
    ],
  };
}

export default rlhfPpo();
