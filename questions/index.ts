/**
 * The built-in bank's code attachments (challenges and diagram templates), by static import so
 * tsx, vitest and the compiled server (plain node on dist/) resolve them alike. Each question's
 * files live in its own folder, questions/<slug>/; this index only lists the TypeScript modules
 * among them.
 *
 * Adding a challenge to a question: write questions/<slug>/<challenge-id>.challenge.ts (import
 * builders from '../_lib/define.js'), add one import and one `challenge(...)` line below, and name
 * it in that folder's question.md front matter (`challenge: <challenge-id>`).
 * tests/unit/challenges.test.ts fails if a *.challenge.ts file is missing from this list.
 *
 * Adding a diagram: write questions/<slug>/<diagram-id>.diagram.ts (default-export a
 * DiagramTemplate built with '../_lib/diagrams/blocks.js'), add one import and one `diagram(...)`
 * line below, and name it in that folder's question.md (`diagram: <diagram-id>`).
 * tests/unit/diagram-templates.test.ts fails if a *.diagram.ts file is missing or misplaced.
 */
import type { ChallengeDefinition } from './_lib/define.js';
import type { DiagramTemplate } from './_lib/diagrams/define.js';
import scaledDotProductAttention from './q01-self-attention/scaled-dot-product-attention.challenge.js';
import multiHeadAttention from './q01-self-attention/multi-head-attention.challenge.js';
import rmsnorm from './q01-self-attention/rmsnorm.challenge.js';
import slidingWindowMask from './q02-long-sequence-transformer/sliding-window-mask.challenge.js';
import slidingWindowKvEviction from './q02-long-sequence-transformer/sliding-window-kv-eviction.challenge.js';
import dpoLoss from './q03-llm-alignment/dpo-loss.challenge.js';
import bradleyTerryLoss from './q03-llm-alignment/bradley-terry-loss.challenge.js';
import gae from './q04-rlhf-70b/gae.challenge.js';
import ppoClippedGae from './q04-rlhf-70b/ppo-clipped-gae.challenge.js';
import ddpmStep from './q05-ddpm-vs-ddim/ddpm-step.challenge.js';
import ddimStep from './q05-ddpm-vs-ddim/ddim-step.challenge.js';
import cfgCombine from './q06-classifier-free-guidance/cfg-combine.challenge.js';
import clipContrastiveLoss from './q07-multimodal-architecture/clip-contrastive-loss.challenge.js';
import gatedCrossAttention from './q07-multimodal-architecture/gated-cross-attention.challenge.js';
import modalityDropout from './q08-missing-modalities/modality-dropout.challenge.js';
import linearAttentionElu from './q09-efficient-attention-research/linear-attention-elu.challenge.js';
import onlineSoftmaxAttention from './q09-efficient-attention-research/online-softmax-attention.challenge.js';
import distinctN from './q10-generative-evaluation/distinct-n.challenge.js';
import bleu from './q10-generative-evaluation/bleu.challenge.js';
import parallelismMemory from './q11-training-100b-models/parallelism-memory.challenge.js';
import speculativeAcceptance from './q12-efficient-multimodal-inference/speculative-acceptance.challenge.js';
import kvCacheRopeGqa from './q12-efficient-multimodal-inference/kv-cache-rope-gqa.challenge.js';
import topKTopPSampling from './q12-efficient-multimodal-inference/top-k-top-p-sampling.challenge.js';
import longSequenceTransformer from './q02-long-sequence-transformer/long-sequence-transformer.diagram.js';
import rlhfPpoLoop from './q04-rlhf-70b/rlhf-ppo-loop.diagram.js';
import ddpmDdimSampling from './q05-ddpm-vs-ddim/ddpm-ddim-sampling.diagram.js';
import multimodalFusion from './q07-multimodal-architecture/multimodal-fusion.diagram.js';
import speculativeDecoding from './q12-efficient-multimodal-inference/speculative-decoding.diagram.js';

/** A challenge module and where it lives, relative to questions/ (its reference source is served from there). */
export interface RegisteredChallenge {
  definition: ChallengeDefinition;
  /** `<slug>/<id>.challenge.ts` */
  file: string;
}

const challenge = (folder: string, definition: ChallengeDefinition): RegisteredChallenge => ({
  definition,
  file: `${folder}/${definition.id}.challenge.ts`,
});

/** In question order, then the order a question's challenges are best tackled. */
export const BUILT_IN_CHALLENGES: readonly RegisteredChallenge[] = [
  challenge('q01-self-attention', scaledDotProductAttention),
  challenge('q01-self-attention', multiHeadAttention),
  challenge('q01-self-attention', rmsnorm),
  challenge('q02-long-sequence-transformer', slidingWindowMask),
  challenge('q02-long-sequence-transformer', slidingWindowKvEviction),
  challenge('q03-llm-alignment', dpoLoss),
  challenge('q03-llm-alignment', bradleyTerryLoss),
  challenge('q04-rlhf-70b', gae),
  challenge('q04-rlhf-70b', ppoClippedGae),
  challenge('q05-ddpm-vs-ddim', ddpmStep),
  challenge('q05-ddpm-vs-ddim', ddimStep),
  challenge('q06-classifier-free-guidance', cfgCombine),
  challenge('q07-multimodal-architecture', clipContrastiveLoss),
  challenge('q07-multimodal-architecture', gatedCrossAttention),
  challenge('q08-missing-modalities', modalityDropout),
  challenge('q09-efficient-attention-research', linearAttentionElu),
  challenge('q09-efficient-attention-research', onlineSoftmaxAttention),
  challenge('q10-generative-evaluation', distinctN),
  challenge('q10-generative-evaluation', bleu),
  challenge('q11-training-100b-models', parallelismMemory),
  challenge('q12-efficient-multimodal-inference', speculativeAcceptance),
  challenge('q12-efficient-multimodal-inference', kvCacheRopeGqa),
  challenge('q12-efficient-multimodal-inference', topKTopPSampling),
];

export const CHALLENGES: readonly ChallengeDefinition[] = BUILT_IN_CHALLENGES.map((c) => c.definition);

/** Names a challenge may not take: they are the helper modules in questions/_lib/. */
export const NON_CHALLENGE_MODULES = ['define', 'index', 'relations', 'rng'] as const;

/** `<slug>/<id>.challenge.ts` for a built-in challenge id, relative to questions/. */
export function builtInChallengeFile(id: string): string | undefined {
  return BUILT_IN_CHALLENGES.find((c) => c.definition.id === id)?.file;
}

/** A diagram module and where it lives, relative to questions/. */
export interface RegisteredDiagram {
  template: DiagramTemplate;
  /** `<slug>/<id>.diagram.ts` */
  file: string;
}

const diagram = (folder: string, template: DiagramTemplate): RegisteredDiagram => ({
  template,
  file: `${folder}/${template.id}.diagram.ts`,
});

/**
 * In the order the board's Diagram menu has always listed them (architecture questions first),
 * not question order, so moving them into their folders changed nothing a user sees.
 */
export const BUILT_IN_DIAGRAMS: readonly RegisteredDiagram[] = [
  diagram('q02-long-sequence-transformer', longSequenceTransformer),
  diagram('q07-multimodal-architecture', multimodalFusion),
  diagram('q05-ddpm-vs-ddim', ddpmDdimSampling),
  diagram('q04-rlhf-70b', rlhfPpoLoop),
  diagram('q12-efficient-multimodal-inference', speculativeDecoding),
];

/** The built-in bank's diagram templates (what GET /api/rooms/:id/diagrams serves by default). */
export const templates: readonly DiagramTemplate[] = BUILT_IN_DIAGRAMS.map((d) => d.template);
