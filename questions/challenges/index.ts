/**
 * Every challenge, by static import so tsx and vitest resolve them alike. A new challenge is a
 * new <id>.ts here plus one line below; tests/unit/challenges.test.ts fails if a module in this
 * directory is missing from the list.
 */
import type { ChallengeDefinition } from './define.js';
import bleu from './bleu.js';
import bradleyTerryLoss from './bradley-terry-loss.js';
import cfgCombine from './cfg-combine.js';
import clipContrastiveLoss from './clip-contrastive-loss.js';
import ddimStep from './ddim-step.js';
import ddpmStep from './ddpm-step.js';
import distinctN from './distinct-n.js';
import dpoLoss from './dpo-loss.js';
import gae from './gae.js';
import gatedCrossAttention from './gated-cross-attention.js';
import kvCacheRopeGqa from './kv-cache-rope-gqa.js';
import linearAttentionElu from './linear-attention-elu.js';
import modalityDropout from './modality-dropout.js';
import multiHeadAttention from './multi-head-attention.js';
import onlineSoftmaxAttention from './online-softmax-attention.js';
import parallelismMemory from './parallelism-memory.js';
import ppoClippedGae from './ppo-clipped-gae.js';
import rmsnorm from './rmsnorm.js';
import scaledDotProductAttention from './scaled-dot-product-attention.js';
import slidingWindowKvEviction from './sliding-window-kv-eviction.js';
import slidingWindowMask from './sliding-window-mask.js';
import speculativeAcceptance from './speculative-acceptance.js';
import topKTopPSampling from './top-k-top-p-sampling.js';

/** In question order, then the order a question's challenges are best tackled. */
export const CHALLENGES: readonly ChallengeDefinition[] = [
  scaledDotProductAttention,
  multiHeadAttention,
  rmsnorm,
  slidingWindowMask,
  slidingWindowKvEviction,
  dpoLoss,
  bradleyTerryLoss,
  gae,
  ppoClippedGae,
  ddpmStep,
  ddimStep,
  cfgCombine,
  clipContrastiveLoss,
  gatedCrossAttention,
  modalityDropout,
  linearAttentionElu,
  onlineSoftmaxAttention,
  distinctN,
  bleu,
  parallelismMemory,
  speculativeAcceptance,
  kvCacheRopeGqa,
  topKTopPSampling,
];

/** Modules in this directory that are helpers, not challenges. */
export const NON_CHALLENGE_MODULES = ['define', 'index', 'relations', 'rng'] as const;
