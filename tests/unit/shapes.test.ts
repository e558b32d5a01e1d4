/** Shape labels, the shape checker and the cost estimator (client/canvas/shapes.ts); pure, Node. */
import { describe, expect, it } from 'vitest';
import {
  attentionFlopsPerToken,
  checkShapes,
  estimate,
  estimateBlocks,
  mathText,
  parseCount,
  parseShape,
  shapesCompatible,
  shapesOfLabel,
} from '../../client/canvas/shapes.js';
import type { ShapeCheckElement } from '../../client/canvas/shapes.js';
import { blocks, libraryItems } from '../../questions/_lib/diagrams/index.js';
import { templates } from '../../questions/index.js';

describe('parseShape', () => {
  it('reads numbers, symbols and bound symbols', () => {
    expect(parseShape('[B, T, d]')).toEqual([
      { kind: 'sym', name: 'B' },
      { kind: 'sym', name: 'T' },
      { kind: 'sym', name: 'd' },
    ]);
    expect(parseShape('[B, T=1M, 768]')).toEqual([
      { kind: 'sym', name: 'B' },
      { kind: 'sym', name: 'T', value: 1_000_000 },
      { kind: 'num', value: 768 },
    ]);
    expect(parseShape('[ 2 , 512K ]')).toEqual([
      { kind: 'num', value: 2 },
      { kind: 'num', value: 512_000 },
    ]);
    expect(parseShape('[]')).toEqual([]);
  });

  it('reads counts with suffixes and separators', () => {
    expect(parseCount('1M')).toBe(1_000_000);
    expect(parseCount('512K')).toBe(512_000);
    expect(parseCount('1.5k')).toBe(1500);
    expect(parseCount('7B')).toBe(7_000_000_000);
    expect(parseCount('1_000_000')).toBe(1_000_000);
    expect(parseCount('d')).toBeUndefined();
    expect(parseCount('M')).toBeUndefined();
  });

  it('rejects text that is not a bracketed shape', () => {
    expect(() => parseShape('B, T')).toThrow(/not a shape/);
  });

  it('takes "in → out" from a label, or one shape as both', () => {
    expect(shapesOfLabel('FFN\n[B, T, 768]')).toEqual({ input: parseShape('[B, T, 768]'), output: parseShape('[B, T, 768]') });
    expect(shapesOfLabel('Up\n[B, T, 768] → [B, T, 3072]')).toEqual({
      input: parseShape('[B, T, 768]'),
      output: parseShape('[B, T, 3072]'),
    });
    expect(shapesOfLabel('Up [B, T] -> [B, T, d]')?.output).toHaveLength(3);
    expect(shapesOfLabel('no shape here')).toBeNull();
  });
});

describe('shapesCompatible', () => {
  it('matches equal numbers, equal symbols, unbound symbols against numbers, and wildcards', () => {
    expect(shapesCompatible(parseShape('[B, T, 768]'), parseShape('[B, T, 768]'))).toBe(true);
    expect(shapesCompatible(parseShape('[B, T, 768]'), parseShape('[B, T, d]'))).toBe(true);
    expect(shapesCompatible(parseShape('[B, T=1M, 768]'), parseShape('[B, T, 768]'))).toBe(true);
    expect(shapesCompatible(parseShape('[B, 196, 768]'), parseShape('[B, *, 768]'))).toBe(true);
  });

  it('flags different ranks, different numbers, different symbols and different bound values', () => {
    expect(shapesCompatible(parseShape('[B, T, 768]'), parseShape('[B, T]'))).toBe(false);
    expect(shapesCompatible(parseShape('[B, T, 768]'), parseShape('[B, T, 512]'))).toBe(false);
    expect(shapesCompatible(parseShape('[B, T, d]'), parseShape('[B, w, d]'))).toBe(false);
    expect(shapesCompatible(parseShape('[B, T=1M]'), parseShape('[B, 512K]'))).toBe(false);
  });
});

describe('checkShapes', () => {
  // A tiny graph: embed → attention → ffn, plus one edge whose width is wrong.
  const graph: ShapeCheckElement[] = [
    { id: 'embed', type: 'rectangle', label: { text: 'Embedding\n[B, T] → [B, T, 768]' } },
    { id: 'attn', type: 'rectangle', label: { text: 'MHA\n[B, T, 768]' } },
    { id: 'ffn', type: 'rectangle', label: { text: 'FFN\n[B, T, 512] → [B, T, 768]' } },
    { id: 'loose', type: 'rectangle', label: { text: 'No shape' } },
    { id: 'e1', type: 'arrow', start: { id: 'embed' }, end: { id: 'attn' } },
    { id: 'e2', type: 'arrow', start: { id: 'attn' }, end: { id: 'ffn' } },
    { id: 'e3', type: 'arrow', start: { id: 'ffn' }, end: { id: 'loose' } },
    { id: 'e4', type: 'arrow', start: { id: 'ffn' } },
  ];

  it('returns exactly the mismatched edge', () => {
    expect(checkShapes(graph)).toEqual([
      { arrowId: 'e2', fromId: 'attn', toId: 'ffn', from: '[B, T, 768]', to: '[B, T, 512]' },
    ]);
  });

  it('reads restored elements: bindings and bound text elements', () => {
    const restored: ShapeCheckElement[] = [
      { id: 'a', type: 'rectangle' },
      { id: 'a-text', type: 'text', containerId: 'a', text: 'A\n[B, T, 768]' },
      { id: 'b', type: 'rectangle' },
      { id: 'b-text', type: 'text', containerId: 'b', text: 'B\n[B, w, 768]' },
      { id: 'ab', type: 'arrow', startBinding: { elementId: 'a' }, endBinding: { elementId: 'b' } },
      { id: 'ba', type: 'arrow', startBinding: { elementId: 'b' }, endBinding: { elementId: 'a' }, customData: { control: true } },
      { id: 'gone', type: 'arrow', isDeleted: true, startBinding: { elementId: 'a' }, endBinding: { elementId: 'b' } },
    ];
    expect(checkShapes(restored).map((m) => m.arrowId)).toEqual(['ab']);
  });

  it('finds no mismatch in any template or library item', () => {
    for (const template of templates) expect(checkShapes(template.elements as ShapeCheckElement[]), template.id).toEqual([]);
    for (const item of libraryItems) expect(checkShapes(item.elements as ShapeCheckElement[]), item.id).toEqual([]);
  });
});

describe('estimate', () => {
  const d = 768;
  const heads = 8;
  const T = 1_000_000;
  const w = 512;

  it('multi-head attention at d_model 768, 8 heads: 4·d² weights + 4·d biases', () => {
    const mha = estimate({ kind: 'mha', d, heads, T });
    expect(4 * d * d).toBe(2_359_296);
    expect(mha.params).toBe(2_359_296 + 3_072);
    // 8·d² for the projections + 4·T·d for QKᵀ and A·V, per token.
    expect(mha.flopsPerToken).toBe(8 * 589_824 + 4 * 1_000_000 * 768);
    expect(mha.flopsPerToken).toBe(3_076_718_592);
    expect(mha.flops).toBe(3_076_718_592_000_000);
  });

  it('full attention vs a 512 sliding window at T = 1M: the T·d term shrinks by T/w', () => {
    const full = { kind: 'mha', d, heads, T } as const;
    const local = { kind: 'sliding-window', d, heads, w, T } as const;
    expect(attentionFlopsPerToken(full)).toBe(3_072_000_000);
    expect(attentionFlopsPerToken(local)).toBe(1_572_864);
    expect(attentionFlopsPerToken(full) / attentionFlopsPerToken(local)).toBe(1953.125);
    expect(Math.floor(T / w)).toBe(1953);
    // Same weights: the window changes cost, not parameters.
    expect(estimate(local).params).toBe(estimate(full).params);
    expect(estimate(local).flopsPerToken).toBe(4_718_592 + 1_572_864);
  });

  it('linear attention, FFN, linear, LayerNorm and embedding', () => {
    expect(estimate({ kind: 'linear-attention', d, heads, T }).flopsPerToken).toBe(4_718_592 + 294_912);
    const ffn = estimate({ kind: 'ffn', d });
    expect(ffn.params).toBe(2 * 768 * 3072 + 3072 + 768);
    expect(ffn.params).toBe(4_722_432);
    expect(ffn.flopsPerToken).toBe(9_437_184);
    expect(estimate({ kind: 'linear', dIn: 768, dOut: 3072 }).params).toBe(2_362_368);
    expect(estimate({ kind: 'linear', dIn: 768, dOut: 3072, bias: false, T: 10 }).flops).toBe(47_185_920);
    expect(estimate({ kind: 'layernorm', d })).toMatchObject({ params: 1536, flopsPerToken: 6144 });
    expect(estimate({ kind: 'embedding', vocab: 50_000, d })).toMatchObject({ params: 38_400_000, flops: 0 });
  });

  it('estimates every block that carries params', () => {
    const elements = templates.find((t) => t.id === 'long-sequence-transformer')!.elements as { id?: string; customData?: Record<string, unknown> }[];
    const estimates = estimateBlocks(elements);
    // Q2 uses its guide's width, 4096 (issue 16; it was the seed's 768 before).
    expect(estimates.get('q02-embedding')?.params).toBe(50_000 * 4096);
    expect(estimates.has('q02-input')).toBe(false);
    // The key patterns are parts of the sparse layer, not layers: no estimate of their own.
    expect(estimates.has('q02-local-window')).toBe(false);
    // The sparse block costs a window of w + g + r = 512 + 64 + 32 keys, not full attention.
    expect(estimates.get('q02-sparse-attention')?.flopsPerToken).toBe(8 * 4096 * 4096 + 4 * 608 * 4096);
    expect(blocks.slidingWindowAttention.params).toEqual({ kind: 'sliding-window', d: 768, heads: 8, w: 512, T: 1_000_000 });
  });
});

describe('mathText', () => {
  it('writes √, ², · and subscripts as plain text', () => {
    expect(mathText('softmax(QK^T / sqrt(d_k)) * V')).toBe('softmax(QKᵀ / √(dₖ))·V');
    expect(mathText('O(T^2 * d)')).toBe('O(T²·d)');
    expect(mathText('x_t-1')).toBe('xₜ-1');
    expect(mathText('x_max')).toBe('xₘₐₓ');
    // No Unicode subscript d exists, so the whole subscript stays as written rather than half-converted.
    expect(mathText('d_model')).toBe('d_model');
    expect(mathText('W_Q')).toBe('W_Q');
  });
});
