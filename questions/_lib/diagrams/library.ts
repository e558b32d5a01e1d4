/**
 * The "ML blocks" library: one item per block, each an array of skeleton elements (Excalidraw's
 * library items are element arrays), plus a composed transformer block with its residual wiring.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { BLOCK_HEIGHT, BLOCK_WIDTH, arrow, blockFamilies, blocks, place } from './blocks.js';
import type { BlockDescriptor, BlockFamily } from './blocks.js';

export interface LibraryItem {
  id: string;
  name: string;
  family: BlockFamily;
  elements: ExcalidrawElementSkeleton[];
}

function single(block: BlockDescriptor): LibraryItem {
  return { id: `lib-${block.id}`, name: block.label.split('\n')[0]!, family: block.family, elements: [place(`lib-${block.id}`, block, 0, 0)] };
}

/**
 * Pre-norm transformer block: x + MHA(LN(x)), then h + FFN(LN(h)), laid out top to bottom. The two
 * residual arrows (block input → first ⊕, first ⊕ → second ⊕) are what make it pre-norm: the
 * LayerNorms sit on the branches, never on the path the residuals carry.
 */
function transformerBlockExpanded(): LibraryItem {
  const p = (id: string) => `lib-tb-${id}`;
  const input = place(p('input'), { id: 'data', label: 'Block input x', family: 'data', shape: blocks.layerNorm.shape }, 0, 0);
  const ln1 = place(p('ln1'), blocks.layerNorm, 0, 1);
  const mha = place(p('mha'), blocks.multiHeadAttention, 0, 2);
  const add1 = place(p('add1'), blocks.residualAdd, 0, 3);
  const ln2 = place(p('ln2'), blocks.layerNorm, 0, 4);
  const ffn = place(p('ffn'), blocks.feedForward, 0, 5);
  const add2 = place(p('add2'), blocks.residualAdd, 0, 6);
  return {
    id: 'lib-transformer-block-expanded',
    name: 'Transformer block (expanded)',
    family: 'structure',
    elements: [
      input, ln1, mha, add1, ln2, ffn, add2,
      arrow(p('a0'), input, ln1),
      arrow(p('a1'), ln1, mha),
      arrow(p('a2'), mha, add1),
      arrow(p('a3'), add1, ln2),
      arrow(p('a4'), ln2, ffn),
      arrow(p('a5'), ffn, add2),
      residual(p('r1'), input, add1),
      residual(p('r2'), add1, add2),
    ],
  };
}

/**
 * A skip connection: drawn down the block's right-hand side so it does not lie on top of the main
 * path's arrows (a straight arrow between two blocks in one column would).
 */
function residual(id: string, from: ExcalidrawElementSkeleton, to: ExcalidrawElementSkeleton): ExcalidrawElementSkeleton {
  const straight = arrow(id, from, to, { label: 'residual' }) as ExcalidrawElementSkeleton & { x: number; y: number; width: number; height: number };
  const a = from as { x: number; y: number; width?: number; height?: number };
  const b = to as { x: number; y: number; width?: number; height?: number };
  const x = a.x + (a.width ?? BLOCK_WIDTH);
  const y = a.y + (a.height ?? BLOCK_HEIGHT) / 2;
  const endX = b.x + (b.width ?? BLOCK_WIDTH);
  const endY = b.y + (b.height ?? BLOCK_HEIGHT) / 2;
  const out = 60;
  return {
    ...straight,
    x,
    y,
    width: out,
    height: endY - y,
    points: [
      [0, 0],
      [out, 0],
      [out, endY - y],
      [endX - x, endY - y],
    ],
  } as ExcalidrawElementSkeleton;
}

export const libraryItems: readonly LibraryItem[] = [
  ...Object.values(blocks).map(single),
  transformerBlockExpanded(),
];

/** Families in display order, with their colours, for a library panel's legend. */
export const familyLegend = (Object.keys(blockFamilies) as BlockFamily[]).map((family) => ({ family, ...blockFamilies[family] }));
