/**
 * The "ML blocks" library as Excalidraw library items, built from questions/_lib/diagrams/library.ts.
 * Shipped in the bundle and handed to Excalidraw as initial data: nothing is fetched. Excalidraw
 * keeps a user's own additions in memory for the page, next to these.
 */
import { convertToExcalidrawElements } from '@excalidraw/excalidraw';
import type { LibraryItems } from '@excalidraw/excalidraw/types';
// library.js, not the folder's index.js: the index also brings the templates, which the server
// serves (GET /diagrams) and whose module-level construction no bundler can drop.
import { libraryItems } from '../../questions/_lib/diagrams/library.js';

/** A fixed date, so the items are the same on every page load and Excalidraw dedupes them. */
const SHIPPED_AT_MS = Date.UTC(2026, 10, 1);

let cached: LibraryItems | null = null;

export function mlLibraryItems(): LibraryItems {
  cached ??= libraryItems.map((item) => ({
    id: item.id,
    status: 'published' as const,
    name: item.name,
    created: SHIPPED_AT_MS,
    elements: convertToExcalidrawElements(item.elements, { regenerateIds: false }),
  }));
  return cached;
}
