/**
 * The Mermaid dialog's behaviour with the converter replaced (Mermaid needs a real browser; the
 * e2e test runs it): view mode refuses without loading Mermaid, errors name the line,
 * Ctrl/Cmd+Enter inserts the previewed diagram and closes.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConvertedDiagram } from '../../client/diagrams/mermaidConvert.js';

const convert = vi.hoisted(() => ({
  loadMermaid: vi.fn(() => Promise.resolve({})),
  convertMermaid: vi.fn(),
  insertDiagram: vi.fn(() => Promise.resolve(['x'])),
  previewSvg: vi.fn(() => Promise.resolve(document.createElementNS('http://www.w3.org/2000/svg', 'svg'))),
}));
vi.mock('../../client/diagrams/mermaidConvert.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../client/diagrams/mermaidConvert.js')>()),
  ...convert,
}));
const { default: MermaidDialog } = await import('../../client/diagrams/MermaidDialog.js');

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: { root: Root; container: HTMLElement }[] = [];
afterEach(async () => {
  for (const { root, container } of mounted.splice(0)) {
    await act(async () => root.unmount());
    container.remove();
  }
  vi.clearAllMocks();
});

const settle = () => act(async () => new Promise((r) => setTimeout(r, 500)));

async function render(viewModeEnabled: boolean) {
  const api = { getAppState: () => ({ viewModeEnabled, theme: 'light' }) } as unknown as ExcalidrawImperativeAPI;
  const onClose = vi.fn();
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push({ root, container });
  await act(async () => root.render(<MermaidDialog api={api} open onClose={onClose} />));
  await settle();
  const q = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { api, onClose, container, q };
}

function type(textarea: HTMLTextAreaElement, value: string) {
  // React tracks the value itself; set it through the native setter so onChange fires.
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(textarea, value);
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

const diagram = (source: string): ConvertedDiagram => ({ source, elements: [], files: [], pictureOnly: false });

describe('MermaidDialog', () => {
  it('refuses in view mode without loading Mermaid', async () => {
    const { q } = await render(true);
    expect(q('mermaid-readonly')?.textContent).toMatch(/cannot insert/);
    expect(q('mermaid-input')).toBeNull();
    expect(q('mermaid-insert')).toBeNull();
    expect(convert.loadMermaid).not.toHaveBeenCalled();
    expect(convert.convertMermaid).not.toHaveBeenCalled();
  });

  it('previews the starter, names the line of an error, and inserts with Ctrl+Enter', async () => {
    convert.convertMermaid.mockImplementation((source: string) =>
      source.includes('[open')
        ? Promise.reject(Object.assign(new Error("Parse error on line 3:\n...\nExpecting 'SQE', got '1'"), { hash: { token: 1, loc: { first_line: 2 } } }))
        : Promise.resolve(diagram(source)),
    );
    const { api, onClose, q } = await render(false);
    expect(convert.loadMermaid).toHaveBeenCalled();
    const input = q('mermaid-input') as HTMLTextAreaElement;
    expect(input.value).toMatch(/^flowchart LR/);
    expect(convert.convertMermaid).toHaveBeenLastCalledWith(input.value);
    expect(convert.previewSvg).toHaveBeenCalled();

    await act(async () => type(input, 'flowchart LR\n  a[open --> b'));
    await settle();
    expect(q('mermaid-error')?.getAttribute('data-line')).toBe('2');
    expect(q('mermaid-error')?.textContent).toMatch(/^Line 2: /);
    expect((q('mermaid-insert') as HTMLButtonElement).disabled).toBe(true);

    await act(async () => type(input, 'flowchart LR\n  a --> b'));
    await settle();
    expect(q('mermaid-error')).toBeNull();
    const calls = convert.convertMermaid.mock.calls.length;
    await act(async () => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    });
    await settle();
    // The previewed conversion is reused, not redone.
    expect(convert.convertMermaid.mock.calls.length).toBe(calls);
    expect(convert.insertDiagram).toHaveBeenCalledWith(api, diagram('flowchart LR\n  a --> b'));
    expect(onClose).toHaveBeenCalled();
  });
});
