/**
 * Putting converted Mermaid on the board, against Excalidraw's real convert and bounds (jsdom):
 * centred on the viewport, above everything (tombstones kept), selected without the labels, one
 * undo step; and refused in view mode. Mermaid's own layout needs a browser: tests/e2e covers it.
 */
import { CaptureUpdateAction, convertToExcalidrawElements, getCommonBounds } from '@excalidraw/excalidraw';
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import type { OrderedExcalidrawElement } from '@excalidraw/excalidraw/element/types';
import type { BinaryFileData, ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { describe, expect, it, vi } from 'vitest';
import { insertDiagram, ReadOnlyBoardError, type ConvertedDiagram } from '../../client/diagrams/mermaidConvert.js';

/** What parseMermaidToExcalidraw returns for `flowchart LR; a[Encoder] --> b[Head]`, give or take sizes. */
const SKELETONS = [
  { type: 'rectangle', id: 'a', x: 0, y: 0, width: 120, height: 60, label: { text: 'Encoder' } },
  { type: 'rectangle', id: 'b', x: 220, y: 0, width: 120, height: 60, label: { text: 'Head' } },
  { type: 'arrow', x: 120, y: 30, points: [[0, 0], [100, 0]], start: { id: 'a' }, end: { id: 'b' }, label: { text: 'logits' } },
] as unknown as ExcalidrawElementSkeleton[];

function diagram(files: BinaryFileData[] = []): ConvertedDiagram {
  return { source: 'flowchart LR', elements: convertToExcalidrawElements(SKELETONS, { regenerateIds: true }), files, pictureOnly: false };
}

function fakeApi(opts: { viewMode?: boolean; width?: number; scene?: Partial<OrderedExcalidrawElement>[] } = {}) {
  const appState = {
    viewModeEnabled: opts.viewMode ?? false,
    scrollX: -100,
    scrollY: 50,
    width: opts.width ?? 1000,
    height: 600,
    zoom: { value: 2 },
  };
  const api = {
    getAppState: () => appState,
    getSceneElementsIncludingDeleted: () => opts.scene ?? [],
    getSceneElements: () => (opts.scene ?? []).filter((el) => !el.isDeleted),
    updateScene: vi.fn(),
    addFiles: vi.fn(),
    scrollToContent: vi.fn(),
  };
  return { api, asApi: api as unknown as ExcalidrawImperativeAPI };
}

describe('insertDiagram', () => {
  it('centres the diagram on the view, above the board, as one undoable step', async () => {
    const existing = [
      { id: 'old', index: 'a1', isDeleted: false },
      { id: 'gone', index: 'a7', isDeleted: true },
    ] as Partial<OrderedExcalidrawElement>[];
    const { api, asApi } = fakeApi({ scene: existing });
    const { ids } = await insertDiagram(asApi, diagram());

    expect(api.updateScene).toHaveBeenCalledTimes(1);
    const update = api.updateScene.mock.calls[0]![0] as {
      elements: OrderedExcalidrawElement[];
      appState: { selectedElementIds: Record<string, true> };
      captureUpdate: string;
    };
    expect(update.captureUpdate).toBe(CaptureUpdateAction.IMMEDIATELY);
    // The board stays, tombstone included, and the new elements follow it.
    expect(update.elements.slice(0, 2)).toEqual(existing);
    const added = update.elements.slice(2);
    expect(added.map((e) => e.id)).toEqual(ids);
    expect(added).toHaveLength(6); // 2 boxes + 2 labels + arrow + its label
    const indices = added.map((e) => e.index!);
    expect(indices.every((ix) => ix > 'a7')).toBe(true);
    expect([...indices].sort()).toEqual(indices);

    // Viewport centre at zoom 2, scrolled: (1000/2/2 + 100, 600/2/2 - 50) = (350, 100).
    const [minX, minY, maxX, maxY] = getCommonBounds(added);
    expect(Math.abs((minX + maxX) / 2 - 350)).toBeLessThanOrEqual(1);
    expect(Math.abs((minY + maxY) / 2 - 100)).toBeLessThanOrEqual(1);

    // Boxes and the arrow are selected; labels follow their containers.
    const selected = Object.keys(update.appState.selectedElementIds);
    expect(selected.sort()).toEqual(added.filter((e) => e.type !== 'text').map((e) => e.id).sort());
    // It fits on screen at this zoom: the view scrolls to it without zooming out.
    expect(api.scrollToContent).toHaveBeenCalledTimes(1);
    expect(api.scrollToContent.mock.calls[0]![1]).not.toHaveProperty('fitToViewport');
    expect(api.addFiles).not.toHaveBeenCalled();
  });

  it('keeps arrows bound to the moved boxes', async () => {
    const { api, asApi } = fakeApi();
    await insertDiagram(asApi, diagram());
    const added = (api.updateScene.mock.calls[0]![0] as { elements: OrderedExcalidrawElement[] }).elements;
    const arrow = added.find((e) => e.type === 'arrow') as OrderedExcalidrawElement & { startBinding: { elementId: string }; endBinding: { elementId: string } };
    const boxes = added.filter((e) => e.type === 'rectangle').map((e) => e.id);
    expect([arrow.startBinding.elementId, arrow.endBinding.elementId].sort()).toEqual([...boxes].sort());
  });

  it('zooms out only when the diagram is larger than the view, and adds its images', async () => {
    const { api, asApi } = fakeApi({ width: 200 });
    const file = { id: 'f1', mimeType: 'image/svg+xml', dataURL: 'data:image/svg+xml;base64,', created: 1 } as unknown as BinaryFileData;
    await insertDiagram(asApi, diagram([file]));
    expect(api.scrollToContent).toHaveBeenCalledTimes(1);
    expect(api.scrollToContent.mock.calls[0]![1]).toMatchObject({ fitToViewport: true });
    expect(api.addFiles).toHaveBeenCalledWith([file]);
  });

  it('refuses a read-only board and changes nothing', async () => {
    const { api, asApi } = fakeApi({ viewMode: true });
    await expect(insertDiagram(asApi, diagram())).rejects.toBeInstanceOf(ReadOnlyBoardError);
    expect(api.updateScene).not.toHaveBeenCalled();
    expect(api.addFiles).not.toHaveBeenCalled();
  });
});
