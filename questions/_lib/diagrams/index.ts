/** Diagram templates and the ML-blocks library for the whiteboard; pure data, no Excalidraw runtime. */
export { templates } from './templates.js';
export type { DiagramTemplate } from './templates.js';
export { libraryItems, familyLegend } from './library.js';
export type { LibraryItem } from './library.js';
export { blockFamilies, blocks, blockText } from './blocks.js';
export type { BlockDescriptor, BlockFamily, BlockKey } from './blocks.js';
