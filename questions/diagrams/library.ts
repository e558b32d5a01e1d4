/**
 * The "ML blocks" library: one item per block, each an array of skeleton elements (Excalidraw's
 * library items are element arrays), plus a composed transformer block with its residual wiring.
 */
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { arrow, blockFamilies, blocks, place } from './blocks.js';
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

/** Pre-norm transformer block: LN → MHA → ⊕ → LN → FFN → ⊕, laid out top to bottom. */
function transformerBlockExpanded(): LibraryItem {
  const p = (id: string) => `lib-tb-${id}`;
  const ln1 = place(p('ln1'), blocks.layerNorm, 0, 0);
  const mha = place(p('mha'), blocks.multiHeadAttention, 0, 1);
  const add1 = place(p('add1'), blocks.residualAdd, 0, 2);
  const ln2 = place(p('ln2'), blocks.layerNorm, 0, 3);
  const ffn = place(p('ffn'), blocks.feedForward, 0, 4);
  const add2 = place(p('add2'), blocks.residualAdd, 0, 5);
  return {
    id: 'lib-transformer-block-expanded',
    name: 'Transformer block (expanded)',
    family: 'structure',
    elements: [
      ln1, mha, add1, ln2, ffn, add2,
      arrow(p('a1'), ln1, mha),
      arrow(p('a2'), mha, add1),
      arrow(p('a3'), add1, ln2),
      arrow(p('a4'), ln2, ffn),
      arrow(p('a5'), ffn, add2),
    ],
  };
}

export const libraryItems: readonly LibraryItem[] = [
  ...Object.values(blocks).map(single),
  transformerBlockExpanded(),
];

/** Families in display order, with their colours, for a library panel's legend. */
export const familyLegend = (Object.keys(blockFamilies) as BlockFamily[]).map((family) => ({ family, ...blockFamilies[family] }));
