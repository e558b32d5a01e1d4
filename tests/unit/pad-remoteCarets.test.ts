import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { MAX_CARET_NAME, caretLabel, remoteCarets, safeColor } from '../../client/pad/remoteCarets.js';

describe('caretLabel', () => {
  it('strips invisible format and control characters, folds whitespace and caps the length', () => {
    expect(caretLabel('\u2060Cory\u200b Candidate\u2060')).toBe('Cory Candidate');
    expect(caretLabel('a\n\tb')).toBe('a b');
    expect(caretLabel('\u2060\u2060')).toBe('Anonymous');
    expect(caretLabel(42)).toBe('Anonymous');
    const long = caretLabel('x'.repeat(100));
    expect(long.length).toBe(MAX_CARET_NAME);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('safeColor', () => {
  it('lets only hex colours into a style attribute', () => {
    expect(safeColor('#a1B2c3', '#000')).toBe('#a1B2c3');
    expect(safeColor('#abc', '#000')).toBe('#abc');
    expect(safeColor('red; background: url(x)', '#000')).toBe('#000');
    expect(safeColor(undefined, '#000')).toBe('#000');
  });
});

describe('remoteCarets', () => {
  it('reads peers\' cursors as absolute positions and skips self and malformed ones', () => {
    const doc = new Y.Doc();
    const text = doc.getText('code');
    text.insert(0, 'let total = 40;');
    const mine = new Awareness(doc);
    // Peers share the doc's positions; their awareness states reach us as plain JSON.
    const peerState = (anchor: number, head: number) => ({
      user: { name: 'Cory\u2060', color: '#ff0000' },
      cursor: {
        anchor: JSON.parse(JSON.stringify(Y.createRelativePositionFromTypeIndex(text, anchor))),
        head: JSON.parse(JSON.stringify(Y.createRelativePositionFromTypeIndex(text, head))),
      },
    });
    mine.setLocalState({ user: { name: 'Me' }, cursor: peerState(1, 1).cursor });
    mine.states.set(101, peerState(4, 9));
    mine.states.set(102, { user: { name: 'Bad' }, cursor: { anchor: { nonsense: true }, head: 'x' } });
    mine.states.set(103, { user: { name: 'No cursor' } });
    const carets = remoteCarets(mine, text, text.length);
    expect(carets).toEqual([
      { clientId: 101, name: 'Cory', color: '#ff0000', colorLight: '#ff000033', anchor: 4, head: 9 },
    ]);
    // A later insert before the caret moves it with the text (relative positions).
    text.insert(0, '// a\n');
    expect(remoteCarets(mine, text, text.length)[0]).toMatchObject({ anchor: 9, head: 14 });
    mine.destroy();
  });
});
