/**
 * The whiteboard's diagram kit: the ML-blocks library, the block builders and the template type;
 * pure data, no Excalidraw runtime. The built-in templates themselves live in their question
 * folders (`questions/<slug>/<id>.diagram.ts`) and are collected by questions/index.ts.
 */
export type { DiagramTemplate } from './define.js';
export { libraryItems, familyLegend } from './library.js';
export type { LibraryItem } from './library.js';
export { blockFamilies, blocks, blockText } from './blocks.js';
export type { BlockDescriptor, BlockFamily, BlockKey } from './blocks.js';
