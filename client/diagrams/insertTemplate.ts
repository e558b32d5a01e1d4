/**
 * Templates onto the live board: converted to ordinary Excalidraw elements with fresh ids (so a
 * second insert is a second copy), placed in free space (placement.ts: where the user is looking
 * if that is empty, else beside the existing work), ordered above everything already there, and
 * added through updateScene so the binding syncs them like any drawing and undo takes them back
 * in one step. Fonts are loaded first (fonts.ts) so every label is measured with the real font.
 */
import { CaptureUpdateAction, convertToExcalidrawElements, getCommonBounds } from '@excalidraw/excalidraw';
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import type { ExcalidrawElement, OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { AppState, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { loadFontsFor, type TextLike } from './fonts.js';
import { freeSpot, type Box } from './placement.js';

/**
 * What the board inserts: a template the server serves from the bank (GET /diagrams, via
 * useBoardTemplates) or the current question's listing (listingTemplate.ts). The built-in
 * templates in questions/<slug>/<id>.diagram.ts have this shape too.
 */
export interface BoardTemplate {
  id: string;
  title: string;
  elements: readonly ExcalidrawElementSkeleton[];
}

export interface Point {
  x: number;
  y: number;
}

/** The scene point at the centre of the visible canvas. */
export function viewportCenter(appState: Pick<AppState, 'scrollX' | 'scrollY' | 'zoom' | 'width' | 'height'>): Point {
  return {
    x: appState.width / 2 / appState.zoom.value - appState.scrollX,
    y: appState.height / 2 / appState.zoom.value - appState.scrollY,
  };
}

type Placed = { x: number; y: number; width?: number; height?: number; points?: readonly (readonly [number, number])[] };

function skeletonBounds(skeletons: readonly ExcalidrawElementSkeleton[]): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const s of skeletons as readonly Placed[]) {
    const xs = s.points ? s.points.map(([px]) => s.x + px) : [s.x, s.x + (s.width ?? 0)];
    const ys = s.points ? s.points.map(([, py]) => s.y + py) : [s.y, s.y + (s.height ?? 0)];
    minX = Math.min(minX, ...xs);
    maxX = Math.max(maxX, ...xs);
    minY = Math.min(minY, ...ys);
    maxY = Math.max(maxY, ...ys);
  }
  return { minX, minY, maxX, maxY };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `count` fractional indices, ascending, all above `highest`. Each is `highest` plus a fixed-width
 * base-62 counter plus `V`: it has `highest` as a prefix and is longer, so it sorts after it, and it
 * never ends in `0`, which Excalidraw's fractional-indexing keys must not. Excalidraw validates
 * (and in development throws on) indices that do not ascend, so the insert cannot leave them to it.
 */
export function indicesAbove(highest: string | null, count: number): string[] {
  const base = highest ?? 'a0';
  let width = 1;
  while (62 ** width < count) width++;
  return Array.from({ length: count }, (_, i) => {
    let digits = '';
    for (let n = i, w = 0; w < width; w++, n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits;
    return `${base}${digits}V`;
  });
}

/**
 * The template's elements, ready to add to a scene whose highest index is `highest`: fresh ids with
 * arrows still bound to their blocks, the whole diagram centred on `center`.
 */
export function templateElements(template: BoardTemplate, center: Point, highest: string | null): OrderedExcalidrawElement[] {
  const box = skeletonBounds(template.elements);
  const dx = Math.round(center.x - (box.minX + box.maxX) / 2);
  const dy = Math.round(center.y - (box.minY + box.maxY) / 2);
  const moved = template.elements.map((s) => ({ ...s, x: (s as Placed).x + dx, y: (s as Placed).y + dy }) as ExcalidrawElementSkeleton);
  const converted = convertToExcalidrawElements(moved, { regenerateIds: true });
  const indices = indicesAbove(highest, converted.length);
  return converted.map((el, i) => ({ ...el, index: indices[i]! }) as OrderedExcalidrawElement);
}

function highestIndex(elements: readonly ExcalidrawElement[]): string | null {
  let highest: string | null = null;
  for (const el of elements) if (el.index && (highest === null || el.index > highest)) highest = el.index;
  return highest;
}

/** Scene bounds of what the canvas shows. */
export function visibleBox(appState: Pick<AppState, 'scrollX' | 'scrollY' | 'zoom' | 'width' | 'height'>): Box {
  const zoom = appState.zoom.value;
  return { minX: -appState.scrollX, minY: -appState.scrollY, maxX: -appState.scrollX + appState.width / zoom, maxY: -appState.scrollY + appState.height / zoom };
}

/** One box per visible element of the scene, for placement. */
export function occupiedBoxes(elements: readonly ExcalidrawElement[]): Box[] {
  return elements
    .filter((el) => !el.isDeleted)
    .map((el) => {
      const [minX, minY, maxX, maxY] = getCommonBounds([el]);
      return { minX, minY, maxX, maxY };
    });
}

/** The centre for a diagram of `size` on this board: free space near the user's view. */
export function placementCenter(api: ExcalidrawImperativeAPI, size: { width: number; height: number }): Point {
  return freeSpot(size, occupiedBoxes(api.getSceneElements()), visibleBox(api.getAppState()));
}

export interface Inserted {
  ids: string[];
  bounds: Box;
}

/**
 * Waits for the fonts its labels use, adds the template in free space, selects it (so it moves
 * as one), and returns the new ids and where they are.
 */
export async function insertTemplate(api: ExcalidrawImperativeAPI, template: BoardTemplate): Promise<Inserted> {
  await loadFontsFor(template.elements as readonly TextLike[]);
  const box = skeletonBounds(template.elements);
  const center = placementCenter(api, { width: box.maxX - box.minX, height: box.maxY - box.minY });
  const scene = api.getSceneElementsIncludingDeleted();
  const added = templateElements(template, center, highestIndex(scene));
  const selected = Object.fromEntries(added.filter((el) => el.type !== 'text').map((el) => [el.id, true as const]));
  api.updateScene({
    elements: [...scene, ...added],
    appState: { selectedElementIds: selected },
    captureUpdate: CaptureUpdateAction.IMMEDIATELY,
  });
  const [minX, minY, maxX, maxY] = getCommonBounds(added);
  return { ids: added.map((el) => el.id), bounds: { minX, minY, maxX, maxY } };
}

/**
 * Selects the given elements (a local highlight: nobody's elements change) and brings them into
 * view, zooming out only when they do not fit at the current zoom.
 */
export function revealElements(api: ExcalidrawImperativeAPI, ids: readonly string[]): void {
  const wanted = new Set(ids);
  const elements = api.getSceneElements().filter((el) => wanted.has(el.id));
  if (elements.length === 0) return;
  api.updateScene({
    appState: { selectedElementIds: Object.fromEntries(elements.map((el) => [el.id, true as const])) },
    captureUpdate: CaptureUpdateAction.NEVER,
  });
  const [minX, minY, maxX, maxY] = getCommonBounds(elements);
  const { width, height, zoom } = api.getAppState();
  const fits = (maxX - minX) * zoom.value < width * 0.9 && (maxY - minY) * zoom.value < height * 0.9;
  api.scrollToContent(elements, fits ? { animate: true, duration: 300 } : { fitToViewport: true, viewportZoomFactor: 0.8, animate: true, duration: 300 });
}
