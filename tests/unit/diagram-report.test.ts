/** "Check shapes": the report model (client/diagrams/shapeReport.ts) and its number formats. Pure, Node. */
import { describe, expect, it } from 'vitest';
import type { ShapeCheckElement } from '../../client/canvas/shapes.js';
import { formatCount, formatFlops, formatRatio } from '../../client/diagrams/format.js';
import { kindOfLabel, shapeReport } from '../../client/diagrams/shapeReport.js';
import { templates } from '../../questions/index.js';

const block = (id: string, text: string, customData?: Record<string, unknown>): ShapeCheckElement => ({
  id,
  type: 'rectangle',
  label: { text },
  ...(customData ? { customData } : {}),
});
const edge = (id: string, from: string, to: string): ShapeCheckElement => ({ id, type: 'arrow', start: { id: from }, end: { id: to } });

describe('shapeReport: estimates from labels', () => {
  it('the seed’s d_model 768 with 8 heads: 2.36M params; T from the input block gives FLOPs', () => {
    const report = shapeReport([
      block('in', 'Input tokens\n[B, T=1M, 768]'),
      block('mha', 'Multi-head attention (h=8)\n[B, T, 768]'),
      edge('e', 'in', 'mha'),
    ]);
    expect(report.estimates.map((e) => e.id)).toEqual(['mha']);
    const mha = report.estimates[0]!;
    expect(mha.params).toEqual({ kind: 'mha', d: 768, heads: 8, T: 1_000_000 });
    // 4·d² projection weights + 4·d biases.
    expect(mha.estimate.params).toBe(4 * 768 * 768 + 4 * 768);
    expect(formatCount(mha.estimate.params)).toBe('2.36M');
    // 8·d² + 4·T·d per token, times T tokens.
    expect(mha.estimate.flopsPerToken).toBe(8 * 768 ** 2 + 4 * 1_000_000 * 768);
    expect(mha.sequenceFlops).toBe(3_076_718_592 * 1_000_000);
    expect(formatFlops(mha.sequenceFlops!)).toBe('3.08 PFLOP');
    expect(report.total).toEqual({ params: 2_362_368, sequenceFlops: 3_076_718_592_000_000 });
  });

  it('T = 1M with w = 512: the windowed attention term is T/w ≈ 1953 times smaller than full attention', () => {
    const report = shapeReport([
      block('full', 'Multi-head attention\n[B, T=1M, 768]'),
      block('local', 'Local window attention (w=512)\n[B, T=1M, 768]'),
    ]);
    const [full, local] = report.estimates;
    expect(local!.windowSaving).toEqual({ T: 1_000_000, w: 512, ratio: 1953.125 });
    expect(formatRatio(local!.windowSaving!.ratio)).toBe('1953×');
    // Same weights; only the T-dependent term shrinks (O(T²·d) vs O(T·w·d) over the sequence).
    expect(local!.estimate.params).toBe(full!.estimate.params);
    expect(full!.estimate.flopsPerToken - 8 * 768 ** 2).toBe(1953.125 * (local!.estimate.flopsPerToken - 8 * 768 ** 2));
    expect(full!.windowSaving).toBeNull();
  });

  it('a label edited by hand wins over the numbers a library block was created with', () => {
    const stored = { params: { kind: 'sliding-window', d: 768, heads: 8, w: 512, T: 1_000_000 } };
    const [est] = shapeReport([block('b', 'Local window attention (w=1024)\n[B, T=128K, 1024]', stored)]).estimates;
    expect(est!.params).toEqual({ kind: 'sliding-window', d: 1024, heads: 8, w: 1024, T: 128_000 });
  });

  it('an expression is not a number: d_ff = 4·d keeps the 4d default', () => {
    const [ffn] = shapeReport([block('f', 'Feed-forward (d_ff = 4·d)\n[B, T, 768]')]).estimates;
    expect(ffn!.params).toEqual({ kind: 'ffn', d: 768 });
    expect(ffn!.estimate.params).toBe(4_722_432);
    expect(ffn!.sequenceFlops).toBeNull();
  });

  it('says which numbers a recognised block lacks, and ignores blocks it cannot cost', () => {
    const report = shapeReport([
      block('a', 'Multi-head attention\n[B, T, d]'),
      block('r', 'Random attention (32 per token)\n[B, T, 768]'),
      block('x', 'Something else'),
    ]);
    expect(report.estimates).toEqual([]);
    expect(report.incomplete).toEqual([{ id: 'a', name: 'Multi-head attention', kind: 'mha', missing: ['d', 'T'] }]);
  });

  it('two different T values on the board are ambiguous: neither is borrowed', () => {
    const report = shapeReport([
      block('i1', 'Input\n[B, T=1M]'),
      block('i2', 'Other input\n[B, T=4K]'),
      block('a', 'MHA\n[B, T, 768]'),
    ]);
    expect(report.incomplete.map((b) => [b.id, b.missing])).toEqual([['a', ['T']]]);
  });

  it('recognises block kinds by name', () => {
    expect(kindOfLabel('Linear attention φ(Q)·(φ(K)ᵀV)\n[B, T, 768]')).toBe('linear-attention');
    expect(kindOfLabel('Sliding-window attention')).toBe('sliding-window');
    expect(kindOfLabel('Self-attention')).toBe('mha');
    expect(kindOfLabel('MLP')).toBe('ffn');
    expect(kindOfLabel('LayerNorm')).toBe('layernorm');
    expect(kindOfLabel('Output projection [B, T, 768] → [B, T, 3072]')).toBe('linear');
    expect(kindOfLabel('Cross-attention fusion')).toBeNull();
  });
});

describe('shapeReport: edges', () => {
  it('flags a mismatched edge, not a matching one, and counts the edges it could check', () => {
    const report = shapeReport([
      block('embed', 'Token embedding\n[B, T] → [B, T, 768]'),
      block('attn', 'MHA\n[B, T, 768]'),
      block('ffn', 'FFN\n[B, T, 512] → [B, T, 768]'),
      block('free', 'Notes'),
      edge('ok', 'embed', 'attn'),
      edge('bad', 'attn', 'ffn'),
      edge('unchecked', 'ffn', 'free'),
      { id: 'loop', type: 'arrow', start: { id: 'ffn' }, end: { id: 'attn' }, customData: { control: true } },
    ]);
    expect(report.checkedEdges).toBe(2);
    expect(report.mismatches).toEqual([
      { arrowId: 'bad', fromId: 'attn', toId: 'ffn', fromName: 'MHA', toName: 'FFN', from: '[B, T, 768]', to: '[B, T, 512]' },
    ]);
  });

  it('reads restored scenes: bound text elements and arrow bindings; deleted elements do not count', () => {
    const report = shapeReport([
      { id: 'a', type: 'rectangle' },
      { id: 'a-t', type: 'text', containerId: 'a', text: 'A\n[B, T, 768]' },
      { id: 'b', type: 'rectangle' },
      { id: 'b-t', type: 'text', containerId: 'b', text: 'B\n[B, T, 1024]' },
      { id: 'ab', type: 'arrow', startBinding: { elementId: 'a' }, endBinding: { elementId: 'b' } },
      { id: 'gone', type: 'arrow', isDeleted: true, startBinding: { elementId: 'a' }, endBinding: { elementId: 'b' } },
    ]);
    expect(report.checkedEdges).toBe(1);
    expect(report.mismatches.map((m) => [m.arrowId, m.fromName, m.toName])).toEqual([['ab', 'A', 'B']]);
  });

  it('names blocks by their unwrapped text, not the soft line breaks Excalidraw wraps labels with', () => {
    const report = shapeReport([
      { id: 'a', type: 'rectangle', customData: { params: { kind: 'layernorm', d: 768 } } },
      { id: 'a-t', type: 'text', containerId: 'a', text: 'Local window\nattention (w=512)\n[B, T=1M,\n768]', originalText: 'Local window attention (w=512)\n[B, T=1M, 768]' },
    ]);
    expect(report.estimates.map((e) => e.name)).toEqual(['Local window attention (w=512)']);
  });

  it('the Q2 template: every data edge checked and fitting; one attention layer, costed once at the guide’s width', () => {
    const q2 = templates.find((t) => t.id === 'long-sequence-transformer')!;
    const report = shapeReport(q2.elements as ShapeCheckElement[]);
    expect(report.mismatches).toEqual([]);
    const dataArrows = q2.elements.filter((e) => e.type === 'arrow' && !(e as { customData?: { control?: boolean } }).customData?.control);
    expect(report.checkedEdges).toBe(dataArrows.length);
    // The window, global and random keys are parts of the sparse layer: it alone is costed, so its
    // Q, K, V, O weights are counted once (they were counted twice, with a separate window layer).
    const attention = report.estimates.filter((e) => e.params.kind === 'mha' || e.params.kind === 'sliding-window');
    expect(attention.map((e) => e.id)).toEqual(['q02-sparse-attention']);
    const sparse = attention[0]!;
    // The guide's running example (q02: d = 4096, 32 heads; it was 768 here before issue 16).
    expect(sparse.params).toEqual({ kind: 'sliding-window', d: 4096, heads: 32, w: 608, T: 1_000_000 });
    expect(formatCount(sparse.estimate.params)).toBe('67.1M');
    // w + g + r = 512 + 64 + 32 keys: 10⁶ / 608 ≈ 1645× less attention work than dense.
    expect(Math.round(sparse.windowSaving!.ratio)).toBe(1645);
    expect(report.total.params).toBe(report.estimates.reduce((sum, e) => sum + e.estimate.params, 0));
    expect(report.estimates.map((e) => e.id).sort()).toEqual(['q02-embedding', 'q02-ffn', 'q02-head', 'q02-sparse-attention']);
  });
});

describe('number formats', () => {
  it('three significant digits and a unit', () => {
    expect(formatCount(2_362_368)).toBe('2.36M');
    expect(formatCount(38_400_000)).toBe('38.4M');
    expect(formatCount(1536)).toBe('1.54K');
    expect(formatCount(999_999)).toBe('1M');
    expect(formatCount(7_000_000_000)).toBe('7B');
    expect(formatCount(12)).toBe('12');
    expect(formatFlops(1.2e12)).toBe('1.2 TFLOP');
    expect(formatFlops(3_076_718_592)).toBe('3.08 GFLOP');
    expect(formatFlops(0)).toBe('0 FLOP');
    expect(formatRatio(2.5)).toBe('2.5×');
  });
});
