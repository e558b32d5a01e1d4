/**
 * The real Canvas component (real Excalidraw, in jsdom): the glue between Excalidraw's props
 * and the binding. The binding's rules are tested in canvas-binding.dom.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CaptureUpdateAction, convertToExcalidrawElements } from '@excalidraw/excalidraw';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import Canvas from '../../client/canvas/Canvas.js';
import type { CanvasProps } from '../../client/canvas/Canvas.js';
import { boardElements } from '../../shared/doc.js';
import type { StoredElement } from '../../shared/doc.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: { root: Root; container: HTMLElement }[] = [];
afterEach(async () => {
  for (const { root, container } of mounted.splice(0)) {
    await act(async () => root.unmount());
    container.remove();
  }
});

function elements(specs: Parameters<typeof convertToExcalidrawElements>[0]) {
  return convertToExcalidrawElements(specs) as unknown as StoredElement[];
}

async function mount(props: Partial<CanvasProps> & Pick<CanvasProps, 'doc'>) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push({ root, container });
  let api: ExcalidrawImperativeAPI | null = null;
  const awareness = props.awareness ?? new Awareness(props.doc);
  await act(async () => {
    root.render(
      <Canvas
        awareness={awareness}
        readOnly={false}
        roomId="room_1234"
        token="tok"
        theme="light"
        onReady={(ready) => (api = ready)}
        {...props}
      />,
    );
  });
  // Excalidraw finishes initialising its scene asynchronously.
  await act(async () => new Promise((resolve) => setTimeout(resolve, 50)));
  if (!api) throw new Error('Excalidraw never handed over its API');
  return { container, api: api as ExcalidrawImperativeAPI, awareness };
}

describe('Canvas', () => {
  it('serves Excalidraw fonts from our origin and fills its container', async () => {
    const { container } = await mount({ doc: new Y.Doc() });
    expect(window.EXCALIDRAW_ASSET_PATH).toBe(`${window.location.origin}/excalidraw-assets/`);
    const outer = container.querySelector<HTMLElement>('[data-testid="canvas"]');
    expect(outer?.style.height).toBe('100%');
    expect(outer?.querySelector('.excalidraw')).not.toBeNull();
  });

  it('shows what the map holds, in index order, and writes local changes back', async () => {
    const doc = new Y.Doc();
    const [first, second] = elements([
      { type: 'rectangle', x: 0, y: 0, width: 10, height: 10 },
      { type: 'ellipse', x: 50, y: 0, width: 10, height: 10 },
    ]);
    boardElements(doc).set((second as StoredElement).id, second as StoredElement);
    boardElements(doc).set((first as StoredElement).id, first as StoredElement);
    const { api } = await mount({ doc });
    expect(api.getSceneElementsIncludingDeleted().map((e) => e.id)).toEqual([first?.id, second?.id]);

    const [added] = elements([{ type: 'diamond', x: 100, y: 100, width: 20, height: 20 }]);
    await act(async () => {
      api.updateScene({
        elements: [...api.getSceneElementsIncludingDeleted(), { ...added, index: 'a5' } as never],
        captureUpdate: CaptureUpdateAction.IMMEDIATELY,
      });
    });
    expect(boardElements(doc).get((added as StoredElement).id)).toMatchObject({ type: 'diamond', index: 'a5' });
  });

  it('applies remote changes to the live scene', async () => {
    const doc = new Y.Doc();
    const { api } = await mount({ doc });
    const [remote] = elements([{ type: 'rectangle', x: 5, y: 5, width: 30, height: 30 }]);
    await act(async () => {
      doc.transact(() => boardElements(doc).set((remote as StoredElement).id, remote as StoredElement), 'provider');
    });
    expect(api.getSceneElementsIncludingDeleted().map((e) => e.id)).toEqual([remote?.id]);
  });

  it('is view-only for observers and never writes to the doc', async () => {
    const doc = new Y.Doc();
    let writes = 0;
    doc.on('update', () => writes++);
    const { api, container } = await mount({ doc, readOnly: true });
    expect(container.querySelector('.excalidraw--view-mode')).not.toBeNull();
    const [mine] = elements([{ type: 'rectangle', x: 0, y: 0, width: 10, height: 10 }]);
    await act(async () => {
      api.updateScene({ elements: [mine as never], captureUpdate: CaptureUpdateAction.IMMEDIATELY });
    });
    expect(writes).toBe(0);
  });

  it('shows remote users as Excalidraw collaborators', async () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const { api } = await mount({ doc, awareness });
    const other = new Awareness(new Y.Doc());
    other.setLocalState({
      user: { name: 'Bob', role: 'candidate', color: '#2f9e44', colorLight: '#2f9e4433' },
      pointer: { x: 3, y: 4, tool: 'laser', button: 'down' },
    });
    await act(async () => {
      applyAwarenessUpdate(awareness, encodeAwarenessUpdate(other, [other.clientID]), 'remote');
    });
    const collaborator = api.getAppState().collaborators.get(String(other.clientID) as never);
    expect(collaborator).toMatchObject({ username: 'Bob', pointer: { x: 3, y: 4, tool: 'laser' }, button: 'down' });
  });
  // Every entry point (help icon, main menu, command palette) sets this dialog; jsdom lays
  // Excalidraw out as a phone, without the footer's icon, so the e2e clicks the real controls.
  const openExcalidrawHelp = (api: ExcalidrawImperativeAPI) =>
    act(async () => api.updateScene({ appState: { openDialog: { name: 'help' } } }));

  it('opens attn’s shortcuts in place of Excalidraw’s help dialog', async () => {
    let helped = 0;
    const { api } = await mount({ doc: new Y.Doc(), onHelp: () => helped++ });
    await openExcalidrawHelp(api);
    expect(helped).toBe(1);
    expect(api.getAppState().openDialog).toBeNull();
    expect(document.querySelector('.HelpDialog')).toBeNull();
  });

  it('opens the replay’s shortcuts from the view-only canvas the replay mounts, never Excalidraw’s help', async () => {
    let helped = 0;
    // As ReplayView mounts it: view-only, the observer's Diagram menu, and its own onHelp.
    const { api } = await mount({ doc: new Y.Doc(), readOnly: true, role: 'observer', onHelp: () => helped++ });
    expect(api.getAppState().viewModeEnabled).toBe(true);
    await openExcalidrawHelp(api);
    expect(helped).toBe(1);
    expect(api.getAppState().openDialog).toBeNull();
    expect(document.querySelector('.HelpDialog')).toBeNull();
    expect(document.querySelector('a[href*="excalidraw.com"]')).toBeNull();
  });
});
