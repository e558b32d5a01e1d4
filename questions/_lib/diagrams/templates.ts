/**
 * Starting diagrams for the questions that are mostly about architecture. A template's id is what
 * a question's front matter names in `diagram:` (a test holds the two together). Element ids are
 * stable and prefixed per template (`q02-…`) so two templates can share a board; inserting on a
 * live board regenerates them anyway. Every arrow is bound at both ends.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { D_MODEL, LONG_T, VOCAB, WINDOW, arrow, blocks, data, place } from './blocks.js';

export interface DiagramTemplate {
  /** equals the `diagram:` front matter of the question it serves */
  id: string;
  /** The question file this template serves (questions/<slug>/question.md). */
  question: string;
  title: string;
  elements: ExcalidrawElementSkeleton[];
}

const D = D_MODEL;

/**
 * Q2's running example, from its guide: width 4096, 32 heads, 32 layers (the board's estimates and
 * the guide's KV-cache and FLOP numbers then agree).
 */
export const Q2_D_MODEL = 4096;
export const Q2_HEADS = 32;
export const Q2_LAYERS = 32;

/**
 * Q2: a transformer over 1M+ tokens — one sparse attention layer (window + global + random keys),
 * a hierarchy over segment summaries, and the path back down so the LM head is per token.
 * The three key patterns are parts of the one layer: they carry no estimator params and feed it
 * through dashed arrows, so "Check shapes" counts the layer's weights once.
 */
function longSequence(): DiagramTemplate {
  const p = (id: string) => `q02-${id}`;
  const D = Q2_D_MODEL;
  const tokens = `[B, T, ${D}]`;
  const input = data(p('input'), 'Input tokens', '[B, T=1M]', 0, 0);
  const embed = place(p('embedding'), blocks.tokenEmbedding, 0, 1, {
    shape: `[B, T] → ${tokens}`,
    params: { kind: 'embedding', vocab: VOCAB, d: D },
  });
  const pos = place(p('positional'), blocks.positionalEncoding, 0, 2, { shape: tokens });
  const pattern = { id: 'attention-pattern', label: '', family: 'attention', shape: '' } as const;
  const local = place(p('local-window'), pattern, 1, 1, { label: `Window keys: the ${WINDOW} nearest (w=${WINDOW})` });
  const global = place(p('global-tokens'), pattern, 1, 2, { label: 'Keys of the 64 global tokens' });
  const random = place(p('random-attention'), pattern, 1, 3, { label: 'Random keys (32 per query)' });
  const sparse = place(p('sparse-attention'), blocks.multiHeadAttention, 2, 2, {
    label: `Sparse attention: local + global + random (h=${Q2_HEADS})\nO(T·(w+g+r)·d)`,
    shape: tokens,
    width: 280,
    // Each token attends to its window, the global tokens and its random picks: w + g + r keys.
    params: { kind: 'sliding-window', d: D, heads: Q2_HEADS, w: WINDOW + 64 + 32, T: LONG_T },
  });
  const ffn = place(p('ffn'), blocks.feedForward, 3, 2, { shape: tokens, params: { kind: 'ffn', d: D } });
  const segment = place(p('segment-encoder'), blocks.encoderStack, 3, 3, {
    label: 'Segment summaries (1024 tokens each, S = T/1024)',
    shape: `${tokens} → [B, S, ${D}]`,
  });
  const globalEncoder = place(p('global-encoder'), blocks.encoderStack, 3, 4, {
    label: 'Global encoder over segment summaries',
    shape: `[B, S, ${D}]`,
  });
  const broadcast = place(p('broadcast'), blocks.encoderStack, 4, 4, {
    label: 'Each summary back to its 1024 tokens',
    shape: `[B, S, ${D}] → ${tokens}`,
  });
  const merge = place(p('merge'), blocks.crossAttentionFusion, 4, 3, {
    label: 'Tokens cross-attend to the global context',
    shape: tokens,
  });
  const head = place(p('head'), blocks.generationHead, 5, 3, {
    label: 'LM head, per token',
    shape: `${tokens} → [B, T, V]`,
    params: { kind: 'linear', dIn: D, dOut: VOCAB, bias: false },
  });
  return {
    id: 'long-sequence-transformer',
    question: 'q02-long-sequence-transformer/question.md',
    title: `Transformer for ${LONG_T.toLocaleString('en-US')}+ tokens`,
    elements: [
      input, embed, pos, local, global, random, sparse, ffn, segment, globalEncoder, broadcast, merge, head,
      arrow(p('a-input-embed'), input, embed),
      arrow(p('a-embed-pos'), embed, pos),
      arrow(p('a-pos-sparse'), pos, sparse),
      arrow(p('a-local-sparse'), local, sparse, { label: `w=${WINDOW}`, control: true }),
      arrow(p('a-global-sparse'), global, sparse, { label: '64', control: true }),
      arrow(p('a-random-sparse'), random, sparse, { label: '32', control: true }),
      arrow(p('a-sparse-ffn'), sparse, ffn),
      arrow(p('a-ffn-segment'), ffn, segment),
      arrow(p('a-segment-global'), segment, globalEncoder),
      arrow(p('a-global-broadcast'), globalEncoder, broadcast),
      arrow(p('a-broadcast-merge'), broadcast, merge),
      arrow(p('a-ffn-merge'), ffn, merge),
      arrow(p('a-merge-head'), merge, head),
    ],
  };
}

/** Q7/Q8: per-modality encoders, modality embeddings, cross-modal fusion, task heads, missing modalities. */
function multimodal(): DiagramTemplate {
  const p = (id: string) => `q07-${id}`;
  const image = data(p('image'), 'Image', '[B, 3, 224, 224]', 0, 0);
  const text = data(p('text'), 'Text tokens', '[B, L]', 0, 1);
  const audio = data(p('audio'), 'Audio (log-mel)', '[B, 80, F]', 0, 2);
  const vision = place(p('vision-encoder'), blocks.visionEncoder, 1, 0);
  const textEnc = place(p('text-encoder'), blocks.textEncoder, 1, 1);
  const audioEnc = place(p('audio-encoder'), blocks.audioEncoder, 1, 2);
  const visionEmb = place(p('vision-modality'), blocks.modalityEmbedding, 2, 0, { label: 'Modality embedding + e_img', shape: `[B, 196, ${D}]` });
  const textEmb = place(p('text-modality'), blocks.modalityEmbedding, 2, 1, { label: 'Modality embedding + e_txt', shape: `[B, L, ${D}]` });
  const audioEmb = place(p('audio-modality'), blocks.modalityEmbedding, 2, 2, { label: 'Modality embedding + e_aud', shape: `[B, A, ${D}]` });
  const missing = place(p('missing-modality'), blocks.modalityEmbedding, 2, 3, {
    label: 'Missing modality: learned mask tokens + modality dropout',
    width: 260,
  });
  // Queries, keys and values all come from the one concatenated sequence: joint self-attention,
  // not cross-attention (the guide's point). Padded and absent tokens are masked out as keys.
  const fusion = place(p('fusion'), blocks.crossAttentionFusion, 3, 1, {
    label: 'Joint self-attention fusion ×6 over the concatenated tokens',
    shape: `[B, *, ${D}] → [B, N, ${D}]`,
    width: 260,
  });
  const paddingMask = data(p('padding-mask'), 'Key-padding mask: B × N, 1 = real token, 0 = padding or absent', '', 3, 2);
  const cls = place(p('classification-head'), blocks.classificationHead, 4, 0);
  const gen = place(p('generation-head'), blocks.generationHead, 4, 2);
  return {
    id: 'multimodal-fusion',
    question: 'q07-multimodal-architecture/question.md',
    title: 'Multimodal fusion model (vision, text, audio)',
    elements: [
      image, text, audio, vision, textEnc, audioEnc, visionEmb, textEmb, audioEmb, missing, fusion, paddingMask, cls, gen,
      arrow(p('a-image-vision'), image, vision),
      arrow(p('a-text-encoder'), text, textEnc),
      arrow(p('a-audio-encoder'), audio, audioEnc),
      arrow(p('a-vision-emb'), vision, visionEmb),
      arrow(p('a-text-emb'), textEnc, textEmb),
      arrow(p('a-audio-emb'), audioEnc, audioEmb),
      arrow(p('a-vision-fusion'), visionEmb, fusion),
      arrow(p('a-text-fusion'), textEmb, fusion),
      arrow(p('a-audio-fusion'), audioEmb, fusion),
      arrow(p('a-missing-fusion'), missing, fusion),
      arrow(p('a-mask-fusion'), paddingMask, fusion, { label: 'mask' }),
      arrow(p('a-fusion-cls'), fusion, cls),
      arrow(p('a-fusion-gen'), fusion, gen),
    ],
  };
}

/** Q5: the DDPM / DDIM sampling loop, timesteps counted from 0 as in the guide and challenges. */
function diffusionSampling(): DiagramTemplate {
  const p = (id: string) => `q05-${id}`;
  const noise = data(p('noise'), 'Pure noise at t = T−1, ~ N(0, I)', '[B, C, H, W]', 0, 0);
  const unet = place(p('unet'), blocks.unet, 1, 0, { label: 'U-Net predicts ε_θ(xₜ, t)' });
  const scheduler = place(p('scheduler'), blocks.noiseScheduler, 2, 0, {
    label: 'Scheduler step from t to s\nDDPM: s = t−1, xₛ = (xₜ − βₜ/√(1−ᾱₜ)·ε)/√αₜ + σₜ·z\nDDIM (η=0): any earlier s, xₛ = √ᾱₛ·x̂₀ + √(1−ᾱₛ)·ε',
    // 300 leaves a gap to the next column (320 px) so the arrow to x₀ stays visible.
    width: 300,
    height: 130,
  });
  const output = data(p('sample'), 'x₀ (after T steps, or S ≪ T with DDIM)', '[B, C, H, W]', 3, 0);
  // The loop goes to the next timestep of the sampling schedule: every step for DDPM, a strided
  // subsequence for DDIM (50 of 1000 is a stride of 20), so "t ← t−1" would be wrong for DDIM.
  return {
    id: 'ddpm-ddim-sampling',
    question: 'q05-ddpm-vs-ddim/question.md',
    title: 'DDPM / DDIM sampling loop',
    elements: [
      noise, unet, scheduler, output,
      arrow(p('a-noise-unet'), noise, unet),
      arrow(p('a-unet-scheduler'), unet, scheduler, { label: 'ε' }),
      arrow(p('a-scheduler-unet'), scheduler, unet, { label: 't ← s, the next timestep in the schedule (DDPM: t−1; DDIM: e.g. t−20)', control: true }),
      arrow(p('a-scheduler-sample'), scheduler, output, { label: 'after the step at t = 0' }),
    ],
  };
}

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

/**
 * Q12: speculative decoding — a small draft proposes k tokens and keeps its distributions q, the
 * target scores prefix + drafts in one pass (k + 1 distributions p), the ratio test accepts a
 * prefix of the drafts and then emits one more token: a resample on the first rejection, or the
 * bonus token from p_{k+1} when all k pass. So 1 … k + 1 tokens per target pass.
 * Blocks with several inputs take `*` where the inputs' lengths differ.
 */
function speculativeDecoding(): DiagramTemplate {
  const p = (id: string) => `q12-${id}`;
  // Whole models, not one head: no estimator params, their sizes are in the labels.
  const model = { id: 'language-model', label: 'Language model', family: 'inference', shape: '' } as const;
  const prefix = data(p('prefix'), 'Prefix', '[B, T]', 0, 0);
  const draft = place(p('draft'), model, 1, 0, {
    label: 'Draft model (1B) runs k steps: q₁ … q_k',
    shape: '[B, T] → [B, k, V]',
  });
  const sampleDrafts = place(p('draft-tokens'), blocks.classificationHead, 1, 1, {
    label: 'Drafted tokens xᵢ ~ qᵢ',
    shape: '[B, k, V] → [B, k]',
  });
  const extend = place(p('extend'), blocks.kvCache, 2, 1, {
    label: 'Prefix + k drafts',
    shape: '[B, *] → [B, T+k]',
  });
  const target = place(p('target'), model, 2, 0, {
    label: 'Target model (70B) scores all k in one pass: p₁ … p_{k+1}',
    shape: '[B, T+k] → [B, k+1, V]',
    width: 280,
  });
  const accept = place(p('accept'), blocks.classificationHead, 3, 0, {
    label: 'Accept xᵢ with prob min(1, pᵢ(xᵢ)/qᵢ(xᵢ)); first reject: resample from norm(max(0, pᵢ − qᵢ)); all k accepted: bonus token from p_{k+1}',
    shape: '[B, *, V] → [B, n], n = 1 … k+1',
    width: 320,
    height: 130,
  });
  const cache = place(p('kv-cache'), blocks.kvCache, 3, 1, { label: 'Target KV cache (rolled back past the first reject)' });
  return {
    id: 'speculative-decoding',
    question: 'q12-efficient-multimodal-inference/question.md',
    title: 'Speculative decoding',
    elements: [
      prefix, draft, sampleDrafts, extend, target, accept, cache,
      arrow(p('a-prefix-draft'), prefix, draft),
      arrow(p('a-draft-sample'), draft, sampleDrafts),
      arrow(p('a-sample-extend'), sampleDrafts, extend, { label: 'k drafts' }),
      arrow(p('a-prefix-extend'), prefix, extend),
      arrow(p('a-extend-target'), extend, target),
      arrow(p('a-target-accept'), target, accept, { label: 'p' }),
      arrow(p('a-draft-accept'), draft, accept, { label: 'q' }),
      // Token ids and probabilities have different ranks; the ids reach the ratio test dashed.
      arrow(p('a-tokens-accept'), sampleDrafts, accept, { label: 'x₁ … x_k', control: true }),
      arrow(p('a-cache-target'), cache, target, { label: 'reuse K, V', control: true }),
      arrow(p('a-accept-prefix'), accept, prefix, { label: 'append n tokens', control: true }),
    ],
  };
}

export const templates: readonly DiagramTemplate[] = [
  longSequence(),
  multimodal(),
  diffusionSampling(),
  rlhfPpo(),
  speculativeDecoding(),
];
