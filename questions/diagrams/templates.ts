/**
 * Starting diagrams for the questions that are mostly about architecture. A template's id is what
 * a question's front matter names in `diagram:` (a test holds the two together). Element ids are
 * stable and prefixed per template (`q02-…`) so two templates can share a board; inserting on a
 * live board regenerates them anyway. Every arrow is bound at both ends.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { D_MODEL, HEADS, LONG_T, WINDOW, arrow, blocks, data, place } from './blocks.js';

export interface DiagramTemplate {
  /** equals the `diagram:` front matter of the question it serves */
  id: string;
  /** The question file this template serves (questions/*.md). */
  question: string;
  title: string;
  elements: ExcalidrawElementSkeleton[];
}

const D = D_MODEL;

/** Q2: a transformer over 1M+ tokens — sparse attention inside segments, a global encoder over them. */
function longSequence(): DiagramTemplate {
  const p = (id: string) => `q02-${id}`;
  const input = data(p('input'), 'Input tokens', '[B, T=1M]', 0, 0);
  const embed = place(p('embedding'), blocks.tokenEmbedding, 0, 1, { shape: `[B, T] → [B, T, ${D}]` });
  const pos = place(p('positional'), blocks.positionalEncoding, 0, 2);
  const local = place(p('local-window'), blocks.slidingWindowAttention, 1, 1);
  const global = place(p('global-tokens'), blocks.globalTokens, 1, 2);
  const random = place(p('random-attention'), blocks.randomAttention, 1, 3);
  const sparse = place(p('sparse-attention'), blocks.multiHeadAttention, 2, 2, {
    label: `Sparse attention: local + global + random (h=${HEADS})\nO(T·(w+g+r)·d)`,
    width: 280,
    // Each token attends to its window, the global tokens and its random picks: w + g + r keys.
    params: { kind: 'sliding-window', d: D, heads: HEADS, w: WINDOW + 64 + 32, T: LONG_T },
  });
  const ffn = place(p('ffn'), blocks.feedForward, 3, 2);
  const segment = place(p('segment-encoder'), blocks.encoderStack, 3, 3, {
    label: 'Segment encoder (1024 tokens, S = T/1024)',
    shape: `[B, T, ${D}] → [B, S, ${D}]`,
  });
  const globalEncoder = place(p('global-encoder'), blocks.encoderStack, 3, 4, {
    label: 'Global encoder over segment summaries',
    shape: `[B, S, ${D}]`,
  });
  const head = place(p('head'), blocks.generationHead, 3, 5, { shape: `[B, S, ${D}] → [B, S, V]` });
  return {
    id: 'long-sequence-transformer',
    question: 'q02-long-sequence-transformer.md',
    title: `Transformer for ${LONG_T.toLocaleString('en-US')}+ tokens`,
    elements: [
      input, embed, pos, local, global, random, sparse, ffn, segment, globalEncoder, head,
      arrow(p('a-input-embed'), input, embed),
      arrow(p('a-embed-pos'), embed, pos),
      arrow(p('a-pos-local'), pos, local),
      arrow(p('a-pos-random'), pos, random),
      arrow(p('a-local-sparse'), local, sparse, { label: `w=${WINDOW}` }),
      arrow(p('a-global-sparse'), global, sparse, { label: '64' }),
      arrow(p('a-random-sparse'), random, sparse, { label: '32' }),
      arrow(p('a-sparse-ffn'), sparse, ffn),
      arrow(p('a-ffn-segment'), ffn, segment),
      arrow(p('a-segment-global'), segment, globalEncoder),
      arrow(p('a-global-head'), globalEncoder, head),
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
  const fusion = place(p('fusion'), blocks.crossAttentionFusion, 3, 1, { label: 'Cross-modal fusion layers ×L' });
  const cls = place(p('classification-head'), blocks.classificationHead, 4, 0);
  const gen = place(p('generation-head'), blocks.generationHead, 4, 2);
  return {
    id: 'multimodal-fusion',
    question: 'q07-multimodal-architecture.md',
    title: 'Multimodal fusion model (vision, text, audio)',
    elements: [
      image, text, audio, vision, textEnc, audioEnc, visionEmb, textEmb, audioEmb, missing, fusion, cls, gen,
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
      arrow(p('a-fusion-cls'), fusion, cls),
      arrow(p('a-fusion-gen'), fusion, gen),
    ],
  };
}

/** Q5: the DDPM / DDIM sampling loop. */
function diffusionSampling(): DiagramTemplate {
  const p = (id: string) => `q05-${id}`;
  const noise = data(p('noise'), 'x_T ~ N(0, I)', '[B, C, H, W]', 0, 0);
  const unet = place(p('unet'), blocks.unet, 1, 0, { label: 'U-Net predicts ε_θ(xₜ, t)' });
  const scheduler = place(p('scheduler'), blocks.noiseScheduler, 2, 0, {
    label: 'Scheduler step\nDDPM: xₜ₋₁ = (xₜ − βₜ/√(1−ᾱₜ)·ε)/√αₜ + σₜ·z\nDDIM (η=0): deterministic, skips steps',
    width: 300,
    height: 120,
  });
  const output = data(p('sample'), 'x₀ (after T steps, or S ≪ T with DDIM)', '[B, C, H, W]', 3, 0);
  return {
    id: 'ddpm-ddim-sampling',
    question: 'q05-ddpm-vs-ddim.md',
    title: 'DDPM / DDIM sampling loop',
    elements: [
      noise, unet, scheduler, output,
      arrow(p('a-noise-unet'), noise, unet),
      arrow(p('a-unet-scheduler'), unet, scheduler, { label: 'ε' }),
      arrow(p('a-scheduler-unet'), scheduler, unet, { label: 't ← t−1', control: true }),
      arrow(p('a-scheduler-sample'), scheduler, output, { label: 't = 0' }),
    ],
  };
}

/** Q4: RLHF with PPO — rollouts, reward, KL to the reference, advantages, update. */
function rlhfPpo(): DiagramTemplate {
  const p = (id: string) => `q04-${id}`;
  const prompts = data(p('prompts'), 'Prompts', '[B, P]', 0, 0);
  const policy = place(p('policy'), blocks.policyModel, 1, 0, { label: 'Policy model π_θ (generates)' });
  const reference = place(p('reference'), blocks.referenceModel, 2, 1);
  const reward = place(p('reward'), blocks.rewardModel, 2, 0);
  const value = place(p('value'), blocks.rewardModel, 2, 2, { label: 'Value model V_ψ' });
  const kl = place(p('kl'), blocks.referenceModel, 3, 1, { label: 'KL penalty β·KL(π_θ ‖ π_ref)', shape: '[B, T, V] → [B, 1]' });
  const advantages = place(p('advantages'), blocks.rewardModel, 3, 0, { label: 'Advantages (GAE) r − β·KL − V', shape: '[B, 1]' });
  const update = place(p('ppo-update'), blocks.policyModel, 4, 0, {
    label: 'PPO update: clip(ρ, 1−ε, 1+ε)·Â',
    shape: '[B, 1]',
    width: 260,
  });
  return {
    id: 'rlhf-ppo-loop',
    question: 'q04-rlhf-70b.md',
    title: 'RLHF / PPO loop',
    elements: [
      prompts, policy, reference, reward, value, kl, advantages, update,
      arrow(p('a-prompts-policy'), prompts, policy),
      arrow(p('a-policy-reward'), policy, reward, { label: 'rollouts' }),
      arrow(p('a-policy-reference'), policy, reference),
      arrow(p('a-policy-value'), policy, value),
      arrow(p('a-reference-kl'), reference, kl),
      arrow(p('a-reward-advantages'), reward, advantages),
      arrow(p('a-kl-advantages'), kl, advantages),
      arrow(p('a-value-advantages'), value, advantages),
      arrow(p('a-advantages-update'), advantages, update),
      arrow(p('a-update-policy'), update, policy, { label: 'θ ← θ + η·∇', control: true }),
    ],
  };
}

/** Q12: speculative decoding — a cheap draft proposes k tokens, the target verifies them in one pass. */
function speculativeDecoding(): DiagramTemplate {
  const p = (id: string) => `q12-${id}`;
  const prefix = data(p('prefix'), 'Prefix', '[B, T]', 0, 0);
  const draft = place(p('draft'), blocks.generationHead, 1, 0, {
    label: 'Draft model (small) proposes k tokens',
    shape: '[B, T] → [B, T+k]',
  });
  const target = place(p('target'), blocks.generationHead, 2, 0, {
    label: 'Target model scores all k in one pass',
    shape: '[B, T+k] → [B, T+k, V]',
  });
  const accept = place(p('accept'), blocks.classificationHead, 3, 0, {
    label: 'Accept xᵢ with prob min(1, p(xᵢ)/q(xᵢ)); resample first reject',
    shape: '[B, T+k, V] → [B, T]',
    width: 280,
  });
  const cache = place(p('kv-cache'), blocks.kvCache, 2, 1);
  return {
    id: 'speculative-decoding',
    question: 'q12-efficient-multimodal-inference.md',
    title: 'Speculative decoding',
    elements: [
      prefix, draft, target, accept, cache,
      arrow(p('a-prefix-draft'), prefix, draft),
      arrow(p('a-draft-target'), draft, target, { label: 'k drafts' }),
      arrow(p('a-target-accept'), target, accept),
      arrow(p('a-cache-target'), cache, target, { label: 'reuse K, V', control: true }),
      arrow(p('a-accept-prefix'), accept, prefix, { label: 'append accepted', control: true }),
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
