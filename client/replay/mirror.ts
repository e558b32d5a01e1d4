/**
 * The replay page shows the board through one long-lived "view" doc that the canvas and the
 * code pad stay bound to, whatever the playhead does. Seeking computes the state at t (a fresh
 * doc, or the playing cursor's) and mirrors it into the view as plain writes: changed elements
 * are set, elements that do not exist yet at t become deleted tombstones (the read-only canvas
 * binding takes the doc's element as is, and never drops a key), and the code text is patched
 * between its common prefix and suffix. So the canvas never remounts (no flash, no lost zoom)
 * and the editor keeps its scroll position, forwards and backwards alike.
 */
import * as Y from 'yjs';
import { boardCode, boardElements, boardFiles, type StoredElement } from '../../shared/doc.js';

export const MIRROR_ORIGIN = { kind: 'replay-mirror' } as const;

function sameElement(a: StoredElement, b: StoredElement): boolean {
  return a.version === b.version && a.versionNonce === b.versionNonce && a.isDeleted === b.isDeleted && a.index === b.index;
}

/** Replaces `text`'s content with `next`, touching only the part that differs. */
export function patchText(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
    endPrev--;
    endNext--;
  }
  if (endPrev > start) text.delete(start, endPrev - start);
  if (endNext > start) text.insert(start, next.slice(start, endNext));
}

export interface MirrorOptions {
  /** copy image metadata (the canvas then fetches the bytes from the server) */
  files: boolean;
}

/** Makes `view` show what `source` holds: elements, (optionally) files, code. */
export function mirrorBoard(source: Y.Doc, view: Y.Doc, options: MirrorOptions): void {
  const from = boardElements(source);
  const to = boardElements(view);
  view.transact(() => {
    from.forEach((element, id) => {
      const shown = to.get(id);
      if (!shown || !sameElement(shown, element)) to.set(id, element);
    });
    to.forEach((shown, id) => {
      if (from.has(id) || shown.isDeleted) return;
      to.set(id, { ...shown, isDeleted: true, version: shown.version + 1 });
    });
    if (options.files) {
      const files = boardFiles(source);
      const shownFiles = boardFiles(view);
      files.forEach((meta, id) => {
        if (!shownFiles.has(id)) shownFiles.set(id, meta);
      });
    }
    patchText(boardCode(view), boardCode(source).toString());
  }, MIRROR_ORIGIN);
}

/** The elements a viewer would see (not deleted), for tests and counts. */
export function visibleElementIds(doc: Y.Doc): string[] {
  const out: string[] = [];
  boardElements(doc).forEach((e, id) => {
    if (!e.isDeleted) out.push(id);
  });
  return out.sort();
}
