/**
 * "Math symbols": rewrites typed math in the selected labels as the plain-text symbols Excalidraw
 * can draw (`sqrt(d_k)` → `√(dₖ)`, `T^2 * d` → `T²·d`), using mathText from shapes.ts.
 * Bracketed shapes are left alone: `[B, *, 768]` uses `*` as a wildcard, not a product.
 */
import { CaptureUpdateAction, newElementWith, restoreElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElement, ExcalidrawTextElement } from '@excalidraw/excalidraw/element/types';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { mathText } from '../canvas/shapes.js';

/** mathText outside `[...]` shapes. */
export function mathLabel(text: string): string {
  return text
    .split(/(\[[^\]]*\])/)
    .map((part) => (part.startsWith('[') && part.endsWith(']') ? part : mathText(part)))
    .join('');
}

/**
 * Converts the text of the selected text elements and of labels bound to selected blocks, as one
 * undoable step; returns how many changed. Text is re-measured (and re-wrapped in its block) the
 * way Excalidraw does when it loads a scene.
 */
export function formatMathInSelection(api: ExcalidrawImperativeAPI): number {
  const selected = api.getAppState().selectedElementIds;
  const scene = api.getSceneElementsIncludingDeleted();
  const changed = new Map<string, ExcalidrawElement>();
  for (const el of scene) {
    if (el.isDeleted || el.type !== 'text') continue;
    const text = el as ExcalidrawTextElement;
    if (!selected[text.id] && !(text.containerId && selected[text.containerId])) continue;
    const next = mathLabel(text.originalText);
    if (next !== text.originalText) changed.set(text.id, newElementWith(text, { text: next, originalText: next }));
  }
  if (changed.size === 0) return 0;
  const merged = scene.map((el) => changed.get(el.id) ?? el);
  // Restore only to measure: the scene keeps every other element exactly as it was.
  const measured = new Map(restoreElements(merged, null, { refreshDimensions: true }).map((el) => [el.id, el]));
  api.updateScene({
    elements: scene.map((el) => (changed.has(el.id) ? { ...measured.get(el.id)!, index: el.index } : el)),
    captureUpdate: CaptureUpdateAction.IMMEDIATELY,
  });
  return changed.size;
}
