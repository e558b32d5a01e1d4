/**
 * Inserting a template into the real Canvas (real Excalidraw, in jsdom): ordinary elements with
 * fresh ids and bound arrows, centred on the viewport, ordered above the board, written to the
 * board doc by the binding, undoable; and the Diagram menu per role.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CaptureUpdateAction, convertToExcalidrawElements, getCommonBounds } from '@excalidraw/excalidraw';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import Canvas, { type CanvasProps } from '../../client/canvas/Canvas.js';
import { DiagramMenu } from '../../client/diagrams/DiagramMenu.js';
import { indicesAbove, insertTemplate, templateElements, viewportCenter } from '../../client/diagrams/insertTemplate.js';
import { formatMathInSelection, mathLabel } from '../../client/diagrams/mathLabels.js';
import { mlLibraryItems } from '../../client/diagrams/mlLibrary.js';
import { shapeReport, type ReportElement } from '../../client/diagrams/shapeReport.js';
import { libraryItems } from '../../questions/_lib/diagrams/index.js';
import { templates } from '../../questions/index.js';
import { templateViews } from '../../server/questions/bank.js';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';
import type { DiagramTemplatesResponse } from '../../shared/api.js';
import { boardElements, boardSession, SESSION_KEYS, type StoredElement } from '../../shared/doc.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const q2 = templates.find((t) => t.id === 'long-sequence-transformer')!;

/**
 * The kit asks the server for the bank's templates (GET /diagrams). jsdom has no server, so the
 * answer here is what the server's own view function makes of the built-in bank; the route itself
 * is tested in tests/integration/diagrams.test.ts and in real browsers in tests/e2e/. A room id
 * other than room_1234 gets the server's refusal.
 */
const served: DiagramTemplatesResponse = { templates: templateViews(templates, loadQuestionBank(defaultQuestionsDir())) };
const requested: string[] = [];
beforeAll(() => {
  vi.stubGlobal('fetch', async (input: string) => {
    requested.push(input);
    if (input === '/api/rooms/room_1234/diagrams') return new Response(JSON.stringify(served), { status: 200, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify({ error: 'forbidden', message: 'Only interviewer or candidate links may do this.' }), { status: 403 });
  });
});
afterAll(() => vi.unstubAllGlobals());
const mounted: { root: Root; container: HTMLElement }[] = [];
afterEach(async () => {
  for (const { root, container } of mounted.splice(0)) {
    await act(async () => root.unmount());
    container.remove();
  }
});

async function mount(props: Partial<CanvasProps> & Pick<CanvasProps, 'doc'>) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push({ root, container });
  let api: ExcalidrawImperativeAPI | null = null;
  await act(async () => {
    root.render(
      <Canvas awareness={new Awareness(props.doc)} readOnly={false} roomId="room_1234" token="tok" theme="light" onReady={(a) => (api = a)} {...props} />,
    );
  });
  await act(async () => new Promise((resolve) => setTimeout(resolve, 50)));
  if (!api) throw new Error('Excalidraw never handed over its API');
  return { container, api: api as ExcalidrawImperativeAPI };
}

interface Loose {
  id: string;
  type: string;
  index: string;
  isDeleted: boolean;
  containerId?: string | null;
  startBinding?: { elementId: string } | null;
  endBinding?: { elementId: string } | null;
}

describe('indicesAbove', () => {
  it('gives ascending keys above the highest, never ending in 0', () => {
    const keys = indicesAbove('a5', 70);
    expect(keys[0]! > 'a5').toBe(true);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(70);
    expect(keys.every((k) => !k.endsWith('0'))).toBe(true);
    expect(indicesAbove(null, 2)).toEqual(['a00V', 'a01V']);
  });
});

describe('templateElements', () => {
  it('is centred on the given point, with fresh ids and arrows bound inside the copy', () => {
    const a = templateElements(q2, { x: 1000, y: -500 }, 'a3') as unknown as Loose[];
    const b = templateElements(q2, { x: 0, y: 0 }, 'a3') as unknown as Loose[];
    const ids = new Set(a.map((e) => e.id));
    expect(b.some((e) => ids.has(e.id))).toBe(false);
    expect(a.some((e) => e.id.startsWith('q02-'))).toBe(false);
    for (const el of a.filter((e) => e.type === 'arrow')) {
      expect(ids.has(el.startBinding!.elementId) && ids.has(el.endBinding!.elementId), el.id).toBe(true);
    }
    const [minX, minY, maxX, maxY] = getCommonBounds(a as never);
    expect(Math.abs((minX + maxX) / 2 - 1000)).toBeLessThan(40);
    expect(Math.abs((minY + maxY) / 2 + 500)).toBeLessThan(40);
    expect(shapeReport(a as unknown as ReportElement[]).mismatches).toEqual([]);
  });

  it('the library items convert for Excalidraw with names and published status', () => {
    const items = mlLibraryItems();
    expect(items.map((i) => i.name)).toEqual(libraryItems.map((i) => i.name));
    expect(items.every((i) => i.status === 'published' && i.elements.length > 0)).toBe(true);
  });
});

describe('insertTemplate in the Canvas', () => {
  it('adds the template twice as ordinary elements the binding writes to the doc; undo removes one', async () => {
    const doc = new Y.Doc();
    const { api } = await mount({ doc, role: 'interviewer' });
    const center = viewportCenter(api.getAppState());
    let first: string[] = [];
    await act(async () => {
      first = (await insertTemplate(api, q2)).ids;
    });
    let second: string[] = [];
    await act(async () => {
      second = (await insertTemplate(api, q2)).ids;
    });
    expect(first.length).toBe(second.length);
    expect(first.filter((id) => second.includes(id))).toEqual([]);

    const scene = api.getSceneElementsIncludingDeleted() as unknown as Loose[];
    expect(scene.length).toBe(first.length * 2);
    // Scene order is index order, and each copy sits above what was there before.
    const indices = scene.map((e) => e.index);
    expect([...indices].sort()).toEqual(indices);
    // Every text is a label of a block in its own copy, drawn above its block.
    const byId = new Map(scene.map((e) => [e.id, e]));
    for (const t of scene.filter((e) => e.type === 'text')) {
      const block = byId.get(t.containerId!);
      expect(block, t.id).toBeDefined();
      expect(t.index > block!.index, t.id).toBe(true);
    }
    // The first copy, on an empty board, is centred where the viewer looks.
    const [minX, minY, maxX, maxY] = getCommonBounds(api.getSceneElements().filter((e) => first.includes(e.id)));
    expect(Math.abs((minX + maxX) / 2 - center.x)).toBeLessThan(40);
    expect(Math.abs((minY + maxY) / 2 - center.y)).toBeLessThan(40);
    // The second lands in free space beside it, not on top of it (placement.ts).
    const [sMinX, sMinY, sMaxX, sMaxY] = getCommonBounds(api.getSceneElements().filter((e) => second.includes(e.id)));
    const apart = sMinX >= maxX || sMaxX <= minX || sMinY >= maxY || sMaxY <= minY;
    expect(apart).toBe(true);
    // The new blocks are selected, so the copy moves as one.
    expect(Object.keys(api.getAppState().selectedElementIds).every((id) => second.includes(id))).toBe(true);

    const stored = boardElements(doc);
    for (const id of [...first, ...second]) expect(stored.get(id)?.isDeleted, id).toBe(false);

    // One undo takes back the second copy and nothing else.
    await act(async () => {
      document.querySelector<HTMLElement>('.excalidraw')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true }));
    });
    const alive = new Set(api.getSceneElements().map((e) => e.id));
    expect(first.every((id) => alive.has(id))).toBe(true);
    expect(second.some((id) => alive.has(id))).toBe(false);
    expect((stored.get(second[0]!) as StoredElement).isDeleted).toBe(true);
  });

  it('candidate menu: insert disabled until the board doc allows it; no permission toggle', async () => {
    const doc = new Y.Doc();
    const { container } = await mount({ doc, role: 'candidate' });
    const button = () => container.querySelector<HTMLButtonElement>('[data-testid="diagram-menu-button"]');
    expect(button()).not.toBeNull();
    await act(async () => button()!.click());
    // The list opens in a portal on the body.
    const insert = () => document.querySelector<HTMLButtonElement>(`[data-testid="diagram-insert-${q2.id}"]`)!;
    expect(insert().disabled).toBe(true);
    expect(document.querySelector('[data-testid="diagram-insert-blocked"]')).not.toBeNull();
    expect(document.querySelector('[data-testid="diagram-allow-candidates"]')).toBeNull();
    await act(async () => {
      // What the server's REST route does; a client's own write would be refused by the server.
      boardSession(doc).set(SESSION_KEYS.templatesForAnyone, true);
    });
    expect(insert().disabled).toBe(false);

  });

  it("lists what the server serves, says so when it refuses, and read-only links never ask", async () => {
    requested.length = 0;
    const errors: string[] = [];
    const { container } = await mount({ doc: new Y.Doc(), role: 'interviewer', roomId: 'room_9999', onError: (m) => errors.push(m) });
    expect(requested).toEqual(['/api/rooms/room_9999/diagrams']);
    expect(errors).toEqual(['Could not load the diagram templates: Only interviewer or candidate links may do this.']);
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="diagram-menu-button"]')!.click());
    expect(document.querySelector('[data-testid="diagram-templates-note"]')?.textContent).toBe('The templates could not be loaded.');
    expect(document.querySelector('[data-testid^="diagram-insert-"]')).toBeNull();
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="diagram-menu-button"]')!.click());

    // The served list, in the bank's order, and nothing bundled besides it.
    const served = await mount({ doc: new Y.Doc(), role: 'interviewer' });
    await act(async () => served.container.querySelector<HTMLButtonElement>('[data-testid="diagram-menu-button"]')!.click());
    const items = [...document.querySelectorAll('[data-testid^="diagram-insert-"]')].map((el) => el.getAttribute('data-testid'));
    expect(items).toEqual(templates.map((t) => `diagram-insert-${t.id}`));
    expect(document.querySelector('[data-testid="diagram-templates-note"]')).toBeNull();

    requested.length = 0;
    await mount({ doc: new Y.Doc(), role: 'observer', readOnly: true });
    expect(requested).toEqual([]);
  });

  it('read-only menu (observers): check shapes and export, nothing that writes', async () => {
    // Rendered alone: jsdom gets Excalidraw's mobile layout, which has no top-right slot in view mode.
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    mounted.push({ root, container });
    await act(async () => {
      root.render(
        <DiagramMenu templates={templates} currentTemplateId={null} canInsert={false} insertBlockedReason={null} readOnly onInsert={() => {}} onAction={() => {}} />,
      );
    });
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="diagram-menu-button"]')!.click());
    expect(document.querySelector('[data-testid="diagram-menu"]')).not.toBeNull();
    expect(document.querySelector('[data-testid^="diagram-insert-"]')).toBeNull();
    expect(document.querySelector('[data-testid="diagram-library"]')).toBeNull();
    expect(document.querySelector('[data-testid="diagram-mermaid"]')).toBeNull();
    expect(document.querySelector('[data-testid="diagram-check-shapes"]')).not.toBeNull();
    expect(document.querySelector('[data-testid="diagram-export"]')).not.toBeNull();
  });

  it('an empty board offers the current question’s template', async () => {
    const doc = new Y.Doc();
    boardSession(doc).set(SESSION_KEYS.current, { id: 'q2', title: 'Q2', prompt: '', minutes: 25, diagram: q2.id, startedAt: 0 });
    const { container, api } = await mount({ doc, role: 'interviewer' });
    // Not at once: a joining browser's board is empty until the room's elements arrive.
    expect(container.querySelector('[data-testid="empty-board-hint"]')).toBeNull();
    await act(async () => new Promise((resolve) => setTimeout(resolve, 900)));
    const hint = container.querySelector<HTMLElement>('[data-testid="empty-board-hint"]');
    expect(hint?.textContent).toContain(q2.title);
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="empty-board-insert"]')!.click());
    // The insert is async (it waits for the label fonts first, fonts.ts): let it land.
    await act(async () => new Promise((resolve) => setTimeout(resolve, 20)));
    const once = api.getSceneElements().length;
    expect(once).toBeGreaterThan(20);
    expect(container.querySelector('[data-testid="empty-board-hint"]')).toBeNull();
    // Alt+Shift+N inserts the current question's template again (matched by physical key).
    await act(async () => {
      window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyN', key: '˜', altKey: true, shiftKey: true }));
    });
    await act(async () => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(api.getSceneElements().length).toBe(once * 2);
  });
});

describe('math symbols in labels', () => {
  it('rewrites typed math outside shapes, leaving a shape’s * wildcard alone', () => {
    expect(mathLabel('softmax(QK^T / sqrt(d_k)) * V\n[B, *, 768]')).toBe('softmax(QKᵀ / √(dₖ))·V\n[B, *, 768]');
    expect(mathLabel('O(T^2 * d) [B, T, d]')).toBe('O(T²·d) [B, T, d]');
  });

  it('converts the label of a selected block, as one undoable change the binding syncs', async () => {
    const doc = new Y.Doc();
    const { api } = await mount({ doc, role: 'interviewer' });
    const made = convertToExcalidrawElements([
      { type: 'rectangle', x: 0, y: 0, width: 260, height: 90, label: { text: 'Attention softmax(QK^T / sqrt(d_k)) * V\n[B, *, 768]' } },
      { type: 'rectangle', x: 400, y: 0, width: 200, height: 90, label: { text: 'Untouched x^2' } },
    ]);
    const block = made[0]!;
    await act(async () => {
      api.updateScene({ elements: made, appState: { selectedElementIds: { [block.id]: true } }, captureUpdate: CaptureUpdateAction.IMMEDIATELY });
    });
    let changed = 0;
    await act(async () => {
      changed = formatMathInSelection(api);
    });
    expect(changed).toBe(1);
    const texts = api.getSceneElements().filter((e) => e.type === 'text') as unknown as { id: string; originalText: string; containerId: string }[];
    const label = texts.find((t) => t.containerId === block.id)!;
    expect(label.originalText).toBe('Attention softmax(QKᵀ / √(dₖ))·V\n[B, *, 768]');
    expect(texts.find((t) => t.containerId !== block.id)!.originalText).toBe('Untouched x^2');
    expect((boardElements(doc).get(label.id) as unknown as { originalText: string }).originalText).toBe(label.originalText);
  });
});
