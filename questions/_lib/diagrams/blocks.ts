/**
 * ML building blocks for the whiteboard: one descriptor per block, one colour per family, and the
 * skeleton helpers templates and the library share so every diagram looks the same.
 *
 * Shape labels follow client/canvas/shapes.ts: one bracketed shape means input = output,
 * `[in] → [out]` declares both. Names never contain square brackets, which would read as shapes.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import type { EstimateParams } from '../../../shared/estimate.js';

export const blockFamilies = {
  embedding: { label: 'Embeddings', backgroundColor: '#ffec99', strokeColor: '#e67700' },
  attention: { label: 'Attention', backgroundColor: '#a5d8ff', strokeColor: '#1971c2' },
  mlp: { label: 'MLP', backgroundColor: '#b2f2bb', strokeColor: '#2f9e44' },
  norm: { label: 'Norm and residual', backgroundColor: '#e9ecef', strokeColor: '#495057' },
  structure: { label: 'Stacks', backgroundColor: '#d0bfff', strokeColor: '#6741d9' },
  encoder: { label: 'Modality encoders', backgroundColor: '#fcc2d7', strokeColor: '#c2255c' },
  fusion: { label: 'Fusion', backgroundColor: '#ffc9c9', strokeColor: '#e03131' },
  head: { label: 'Heads', backgroundColor: '#ffd8a8', strokeColor: '#d9480f' },
  inference: { label: 'Inference', backgroundColor: '#99e9f2', strokeColor: '#0c8599' },
  diffusion: { label: 'Diffusion', backgroundColor: '#c5f6fa', strokeColor: '#1098ad' },
  rl: { label: 'RL', backgroundColor: '#d8f5a2', strokeColor: '#66a80f' },
  data: { label: 'Data', backgroundColor: '#ffffff', strokeColor: '#1e1e1e' },
} as const;

export type BlockFamily = keyof typeof blockFamilies;

export interface BlockDescriptor {
  id: string;
  label: string;
  family: BlockFamily;
  /** `[B, T, 768]`, or `[in] → [out]`. */
  shape: string;
  params?: EstimateParams;
}

/** The seed's running example: d_model 768, 8 heads, a 1M-token context, a 512-token window. */
export const D_MODEL = 768;
export const HEADS = 8;
export const LONG_T = 1_000_000;
export const WINDOW = 512;
export const VOCAB = 50_000;

const D = D_MODEL;

export const blocks = {
  tokenEmbedding: { id: 'token-embedding', label: 'Token embedding', family: 'embedding', shape: `[B, T] → [B, T, ${D}]`, params: { kind: 'embedding', vocab: VOCAB, d: D } },
  positionalEncoding: { id: 'positional-encoding', label: 'Positional encoding (RoPE)', family: 'embedding', shape: `[B, T, ${D}]` },
  attentionHead: { id: 'attention-head', label: 'Attention head\nsoftmax(QKᵀ/√dₖ)·V', family: 'attention', shape: `[B, T, ${D}] → [B, T, ${D / HEADS}]` },
  multiHeadAttention: { id: 'multi-head-attention', label: `Multi-head attention (h=${HEADS})\nO(T²·d)`, family: 'attention', shape: `[B, T, ${D}]`, params: { kind: 'mha', d: D, heads: HEADS, T: LONG_T } },
  slidingWindowAttention: { id: 'sliding-window-attention', label: `Local window attention (w=${WINDOW})\nO(T·w·d)`, family: 'attention', shape: `[B, T, ${D}]`, params: { kind: 'sliding-window', d: D, heads: HEADS, w: WINDOW, T: LONG_T } },
  globalTokens: { id: 'global-tokens', label: 'Global tokens (64)', family: 'attention', shape: `[B, 64, ${D}]` },
  randomAttention: { id: 'random-attention', label: 'Random attention (32 per token)', family: 'attention', shape: `[B, T, ${D}]` },
  linearAttention: { id: 'linear-attention', label: 'Linear attention φ(Q)·(φ(K)ᵀV)\nO(T·d²)', family: 'attention', shape: `[B, T, ${D}]`, params: { kind: 'linear-attention', d: D, heads: HEADS, T: LONG_T } },
  feedForward: { id: 'feed-forward', label: 'Feed-forward (d_ff = 4·d)', family: 'mlp', shape: `[B, T, ${D}]`, params: { kind: 'ffn', d: D } },
  layerNorm: { id: 'layer-norm', label: 'LayerNorm', family: 'norm', shape: `[B, T, ${D}]`, params: { kind: 'layernorm', d: D } },
  residualAdd: { id: 'residual-add', label: 'Residual add ⊕', family: 'norm', shape: `[B, T, ${D}]` },
  transformerBlock: { id: 'transformer-block', label: 'Transformer block\nLN → MHA → ⊕ → LN → FFN → ⊕', family: 'structure', shape: `[B, T, ${D}]` },
  encoderStack: { id: 'encoder-stack', label: 'Encoder stack ×L', family: 'structure', shape: `[B, T, ${D}]` },
  visionEncoder: { id: 'vision-encoder', label: 'Vision encoder (ViT, 16×16 patches)', family: 'encoder', shape: `[B, 3, 224, 224] → [B, 196, ${D}]` },
  textEncoder: { id: 'text-encoder', label: 'Text encoder', family: 'encoder', shape: `[B, L] → [B, L, ${D}]` },
  audioEncoder: { id: 'audio-encoder', label: 'Audio encoder (log-mel)', family: 'encoder', shape: `[B, 80, F] → [B, A, ${D}]` },
  modalityEmbedding: { id: 'modality-embedding', label: 'Modality embedding + eₘ', family: 'embedding', shape: `[B, *, ${D}]` },
  crossAttentionFusion: { id: 'cross-attention-fusion', label: 'Cross-attention fusion layer ×L', family: 'fusion', shape: `[B, *, ${D}] → [B, N, ${D}]` },
  classificationHead: { id: 'classification-head', label: 'Classification head', family: 'head', shape: `[B, N, ${D}] → [B, C]` },
  generationHead: { id: 'generation-head', label: 'Generation head (LM)', family: 'head', shape: `[B, N, ${D}] → [B, N, V]`, params: { kind: 'linear', dIn: D, dOut: VOCAB, bias: false } },
  kvCache: { id: 'kv-cache', label: 'KV cache (per layer: K, V)', family: 'inference', shape: `[B, H, T, dₕ]` },
  unet: { id: 'unet', label: 'U-Net ε_θ(xₜ, t)', family: 'diffusion', shape: '[B, C, H, W]' },
  noiseScheduler: { id: 'noise-scheduler', label: 'Noise scheduler βₜ, ᾱₜ', family: 'diffusion', shape: '[B, C, H, W]' },
  policyModel: { id: 'policy-model', label: 'Policy model π_θ', family: 'rl', shape: '[B, P] → [B, T]' },
  referenceModel: { id: 'reference-model', label: 'Reference model π_ref (frozen)', family: 'rl', shape: '[B, T] → [B, T, V]' },
  rewardModel: { id: 'reward-model', label: 'Reward model r_φ', family: 'rl', shape: '[B, T] → [B, 1]' },
} satisfies Record<string, BlockDescriptor>;

export type BlockKey = keyof typeof blocks;

export const BLOCK_WIDTH = 240;
export const BLOCK_HEIGHT = 90;
/** Grid pitch: wide enough that arrows between neighbours stay visible. */
export const COLUMN_PX = 320;
export const ROW_PX = 150;

/** The text a block shows: its name, then its shape on its own line. */
export function blockText(block: Pick<BlockDescriptor, 'label' | 'shape'>): string {
  return block.shape ? `${block.label}\n${block.shape}` : block.label;
}

export interface PlaceOptions {
  /** Replaces the descriptor's name (keeps its family and colours). */
  label?: string;
  /** Replaces the descriptor's shape; '' for a block with no shape. */
  shape?: string;
  width?: number;
  height?: number;
  /** Replaces the descriptor's estimator params. */
  params?: EstimateParams;
}

/** A rectangle with a bound label at grid cell (column, row). */
export function place(
  id: string,
  block: BlockDescriptor,
  column: number,
  row: number,
  options: PlaceOptions = {},
): ExcalidrawElementSkeleton {
  const family = blockFamilies[block.family];
  const label = options.label ?? block.label;
  const shape = options.shape ?? block.shape;
  const params = options.params ?? block.params;
  return {
    type: 'rectangle',
    id,
    x: column * COLUMN_PX,
    y: row * ROW_PX,
    width: options.width ?? BLOCK_WIDTH,
    height: options.height ?? BLOCK_HEIGHT,
    backgroundColor: family.backgroundColor,
    strokeColor: family.strokeColor,
    fillStyle: 'solid',
    roundness: { type: 3 },
    customData: { blockId: block.id, family: block.family, ...(params ? { params } : {}) },
    label: { text: blockText({ label, shape }), fontSize: 16 },
  };
}

/** A plain block for data (inputs, outputs) that is not in the library. */
export function data(id: string, label: string, shape: string, column: number, row: number): ExcalidrawElementSkeleton {
  return place(id, { id: 'data', label, family: 'data', shape }, column, row);
}

type Rect = { id: string; x: number; y: number; width: number; height: number };

function rectOf(skeleton: ExcalidrawElementSkeleton): Rect {
  const s = skeleton as { id?: string; x: number; y: number; width?: number; height?: number };
  if (!s.id) throw new Error('arrow endpoints need ids');
  return { id: s.id, x: s.x, y: s.y, width: s.width ?? BLOCK_WIDTH, height: s.height ?? BLOCK_HEIGHT };
}

export interface ArrowOptions {
  label?: string;
  /** A control-flow arrow (loop back, optimiser step): drawn dashed, skipped by the shape check. */
  control?: boolean;
}

/**
 * An arrow bound to both blocks, drawn between their nearest sides. Excalidraw recomputes the
 * end points from the bindings; the geometry here only has to point the right way.
 */
export function arrow(
  id: string,
  from: ExcalidrawElementSkeleton,
  to: ExcalidrawElementSkeleton,
  options: ArrowOptions = {},
): ExcalidrawElementSkeleton {
  const a = rectOf(from);
  const b = rectOf(to);
  const horizontal = Math.abs(b.x - a.x) >= Math.abs(b.y - a.y);
  let x: number, y: number, endX: number, endY: number;
  if (horizontal) {
    const rightward = b.x >= a.x;
    x = rightward ? a.x + a.width : a.x;
    endX = rightward ? b.x : b.x + b.width;
    y = a.y + a.height / 2;
    endY = b.y + b.height / 2;
  } else {
    const downward = b.y >= a.y;
    y = downward ? a.y + a.height : a.y;
    endY = downward ? b.y : b.y + b.height;
    x = a.x + a.width / 2;
    endX = b.x + b.width / 2;
  }
  return {
    type: 'arrow',
    id,
    x,
    y,
    width: endX - x,
    height: endY - y,
    points: [
      [0, 0],
      [endX - x, endY - y],
    ],
    strokeColor: '#1e1e1e',
    strokeStyle: options.control ? 'dashed' : 'solid',
    start: { id: a.id },
    end: { id: b.id },
    ...(options.control ? { customData: { control: true } } : {}),
    ...(options.label ? { label: { text: options.label, fontSize: 14 } } : {}),
  } as ExcalidrawElementSkeleton;
}
