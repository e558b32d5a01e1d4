/**
 * Every challenge, by static import so tsx and vitest resolve them alike. A new challenge is a
 * new <id>.ts here plus one line below; tests/unit/challenges.test.ts fails if a module in this
 * directory is missing from the list.
 */
import type { ChallengeDefinition } from './define.js';
import bleu from './bleu.js';
import cfgCombine from './cfg-combine.js';
import ddimStep from './ddim-step.js';
import ddpmStep from './ddpm-step.js';
import distinctN from './distinct-n.js';
import dpoLoss from './dpo-loss.js';
import gae from './gae.js';
import linearAttentionElu from './linear-attention-elu.js';
import multiHeadAttention from './multi-head-attention.js';
import ppoClippedGae from './ppo-clipped-gae.js';
import scaledDotProductAttention from './scaled-dot-product-attention.js';
import slidingWindowMask from './sliding-window-mask.js';
import speculativeAcceptance from './speculative-acceptance.js';

/** In question order, then the order a question's challenges are best tackled. */
export const CHALLENGES: readonly ChallengeDefinition[] = [
  scaledDotProductAttention,
  multiHeadAttention,
  slidingWindowMask,
  dpoLoss,
  gae,
  ppoClippedGae,
  ddpmStep,
  ddimStep,
  cfgCombine,
  linearAttentionElu,
  distinctN,
  bleu,
  speculativeAcceptance,
];

/** Modules in this directory that are helpers, not challenges. */
export const NON_CHALLENGE_MODULES = ['define', 'index', 'rng'] as const;
