import type { DiagramTemplate } from '../_lib/diagrams/define.js';
import { LONG_T, VOCAB, WINDOW, arrow, blocks, data, place } from '../_lib/diagrams/blocks.js';

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

export default longSequence();
