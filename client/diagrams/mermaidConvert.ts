/**
 * Mermaid text -> Excalidraw elements, and putting them on the board. Both Mermaid (~660 kB,
 * 145 kB gzip) and Excalidraw are imported dynamically: this module may be bundled wherever the Diagram menu
 * lives, and neither may end up in the main chunk. Excalidraw is already loaded by the time a
 * dialog can open (the canvas needs it), so its import resolves at once; Mermaid's chunk is
 * fetched from our own server the first time the dialog opens.
 */
import type { OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { BinaryFileData, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { indicesAbove, placementCenter, type Inserted } from './insertTemplate.js';
import { loadFontsFor, type TextLike } from './fonts.js';
import { highestIndex, isPictureOnly, offsetToCentre, selectionFor, translated } from './mermaidInsert.js';

export interface ConvertedDiagram {
  /** the definition these elements came from */
  source: string;
  /** at Mermaid's own coordinates (near the origin); placed only on insert */
  elements: OrderedExcalidrawElement[];
  /** images (Mermaid's fallback for diagram types it cannot turn into shapes) */
  files: BinaryFileData[];
  pictureOnly: boolean;
}

/** Mermaid measures text by rendering SVG; 20px matches Excalidraw's default text size. */
const MERMAID_CONFIG = {
  startOnLoad: false,
  flowchart: { curve: 'linear' as const },
  themeVariables: { fontSize: '20px' },
  maxEdges: 500,
  maxTextSize: 20_000,
};

let mermaidModule: Promise<typeof import('@excalidraw/mermaid-to-excalidraw')> | null = null;

/** Starts (once) fetching the converter; the dialog calls it on open so typing is not delayed later. */
export function loadMermaid(): Promise<typeof import('@excalidraw/mermaid-to-excalidraw')> {
  mermaidModule ??= import('@excalidraw/mermaid-to-excalidraw').catch((error: unknown) => {
    // Forget a failed load (e.g. the server restarted mid-deploy) so "Try again" really retries.
    mermaidModule = null;
    throw error;
  });
  return mermaidModule;
}

export class ReadOnlyBoardError extends Error {
  override name = 'ReadOnlyBoardError';
  constructor() {
    super('This link can view the board but not change it.');
  }
}

/** Parses and lays out the definition. Rejects with Mermaid's own error (see describeMermaidError). */
export async function convertMermaid(definition: string): Promise<ConvertedDiagram> {
  const [{ parseMermaidToExcalidraw }, { convertToExcalidrawElements }] = await Promise.all([
    loadMermaid(),
    import('@excalidraw/excalidraw'),
  ]);
  const { elements: skeletons, files } = await parseMermaidToExcalidraw(definition, MERMAID_CONFIG);
  // Labels are measured as they are converted: with the real font, not a fallback (fonts.ts).
  await loadFontsFor(skeletons as readonly TextLike[]);
  // Fresh ids every time: inserting the same diagram twice must give two diagrams, not one.
  const elements = convertToExcalidrawElements(skeletons, { regenerateIds: true });
  return { source: definition, elements, files: Object.values(files ?? {}), pictureOnly: isPictureOnly(elements) };
}

/** An SVG of the converted diagram for the dialog's preview (fonts are the page's, so nothing is fetched). */
export async function previewSvg(diagram: ConvertedDiagram, theme: 'light' | 'dark'): Promise<SVGSVGElement> {
  const { exportToSvg } = await import('@excalidraw/excalidraw');
  return exportToSvg({
    elements: diagram.elements,
    files: Object.fromEntries(diagram.files.map((f) => [f.id, f])),
    appState: { exportBackground: false, exportWithDarkMode: theme === 'dark' },
    exportPadding: 8,
    skipInliningFonts: true,
  });
}

/**
 * Adds the diagram to the scene in free space (placement.ts), as one undoable step, and selects
 * it. The board binding then writes the new elements to the doc, so every participant gets them.
 * Returns the ids of the inserted elements and their bounds.
 */
export async function insertDiagram(api: ExcalidrawImperativeAPI, diagram: ConvertedDiagram): Promise<Inserted> {
  const { CaptureUpdateAction, getCommonBounds } = await import('@excalidraw/excalidraw');
  const appState = api.getAppState();
  if (appState.viewModeEnabled) throw new ReadOnlyBoardError();
  const bounds = getCommonBounds(diagram.elements);
  const { dx, dy } = offsetToCentre(bounds, placementCenter(api, { width: bounds[2] - bounds[0], height: bounds[3] - bounds[1] }));
  // Including deleted elements: the binding keeps their tombstones, and so must the scene.
  const scene = api.getSceneElementsIncludingDeleted();
  // Mermaid's elements come numbered from a0; above the board they go, in Mermaid's order
  // (Excalidraw's development build throws on indices that do not ascend).
  const indices = indicesAbove(highestIndex(scene), diagram.elements.length);
  const placed = translated(diagram.elements, dx, dy).map((e, i) => ({ ...e, index: indices[i]! }) as OrderedExcalidrawElement);
  if (diagram.files.length > 0) api.addFiles(diagram.files);
  api.updateScene({
    elements: [...scene, ...placed],
    appState: { selectedElementIds: selectionFor(placed), selectedGroupIds: {}, editingGroupId: null },
    captureUpdate: CaptureUpdateAction.IMMEDIATELY,
  });
  // It may sit beside the existing work, off screen: bring it into view, zooming out only when
  // it is larger than the screen.
  const zoom = appState.zoom.value;
  const [minX, minY, maxX, maxY] = bounds;
  const tooBig = (maxX - minX) * zoom > appState.width || (maxY - minY) * zoom > appState.height;
  api.scrollToContent(placed, tooBig ? { fitToViewport: true, viewportZoomFactor: 0.9, animate: true } : { animate: true, duration: 300 });
  return { ids: placed.map((e) => e.id), bounds: { minX: minX + dx, minY: minY + dy, maxX: maxX + dx, maxY: maxY + dy } };
}
