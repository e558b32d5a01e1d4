import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BOARD_KEYS, PANEL_KEYS, boardCode, boardElements, editAreaOfKey, panelNotes, topLevelKeyOf } from '../../shared/doc.js';

describe('edit areas (the reconnect banner’s words)', () => {
  it('names the board, the pad and the panel’s parts by their keys', () => {
    expect(editAreaOfKey(BOARD_KEYS.elements)).toBe('board');
    expect(editAreaOfKey(BOARD_KEYS.files)).toBe('board');
    expect(editAreaOfKey(BOARD_KEYS.code)).toBe('pad');
    expect(editAreaOfKey(PANEL_KEYS.notes)).toBe('panel notes');
    expect(editAreaOfKey(PANEL_KEYS.scores)).toBe('panel scores');
    expect(editAreaOfKey('something-new')).toBe('something-new');
  });

  it('finds the top-level key of the types a real local transaction changed, nested ones included', () => {
    const doc = new Y.Doc();
    const nested = new Y.Map<string>();
    const seen: (string | null)[][] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => seen.push([...tr.changed.keys()].map((type) => topLevelKeyOf(doc, type))));
    boardCode(doc).insert(0, 'x');
    doc.transact(() => {
      panelNotes(doc).set('r/q1', 'note');
      doc.getMap<Y.Map<string>>('nested').set('inner', nested);
    });
    nested.set('k', 'v');
    expect(seen[0]).toEqual([BOARD_KEYS.code]);
    expect(seen[1]!.sort()).toEqual(['nested', PANEL_KEYS.notes].sort());
    expect(seen[2]).toEqual(['nested']);
    expect(topLevelKeyOf(doc, new Y.Doc().getMap('other'))).toBeNull();
    expect(boardElements(doc).size).toBe(0);
  });
});
