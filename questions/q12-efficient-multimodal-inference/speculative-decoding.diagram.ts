import type { DiagramTemplate } from '../_lib/diagrams/define.js';
import { arrow, blocks, data, place } from '../_lib/diagrams/blocks.js';

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

export default speculativeDecoding();
