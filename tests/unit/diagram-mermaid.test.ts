/**
 * Mermaid import, the pure half: error messages with the line, and where inserted elements land.
 * The conversion itself needs a browser (Mermaid lays out by rendering SVG); tests/e2e covers it.
 */
import { describe, expect, it } from 'vitest';
import {
  describeMermaidError,
  highestIndex,
  isPictureOnly,
  offsetToCentre,
  selectionFor,
  STARTER_MERMAID,
  translated,
} from '../../client/diagrams/mermaidInsert.js';

/** The errors Mermaid 11 really throws (captured from mermaid.parse), reduced to what we read. */
function jisonError(message: string, hash: object): Error {
  return Object.assign(new Error(message), { hash });
}

describe('describeMermaidError', () => {
  it('names the line of an unclosed bracket from hash.loc, not the message', () => {
    const err = jisonError(
      "Parse error on line 3:\n...t LR  a[open --> b\n---------------------^\nExpecting 'SQE', 'DOUBLECIRCLEEND', 'PE', got '1'",
      { text: '', token: 1, line: 2, loc: { first_line: 2, last_line: 3, first_column: 4, last_column: 0 } },
    );
    const p = describeMermaidError(err);
    expect(p.line).toBe(2);
    expect(p.summary).toBe('Line 2: the diagram ends too early (an unfinished edge or bracket?).');
    expect(p.detail).toContain('Expecting');
  });

  it('says an edge with no target ends too early', () => {
    const err = jisonError("Parse error on line 3:\n...rt LR a --> b --> \n----^\nExpecting 'AMP', 'COLON', got 'EOF'", {
      token: 'EOF',
      line: 2,
      loc: { first_line: 2 },
    });
    expect(describeMermaidError(err).summary).toMatch(/^Line 2: the diagram ends too early/);
  });

  it('reports an unexpected token', () => {
    const err = jisonError("Parse error on line 4:\n...\nExpecting 'SEMI', 'NEWLINE', got 'PIPE'", { token: 'PIPE', line: 3, loc: { first_line: 4 } });
    expect(describeMermaidError(err)).toMatchObject({ line: 4, summary: 'Line 4: unexpected PIPE here.' });
  });

  it('asks for the diagram type when there is none', () => {
    const err = Object.assign(new Error('No diagram type detected matching given configuration for text: hello world'), { name: 'UnknownDiagramError' });
    expect(describeMermaidError(err)).toMatchObject({ line: 1, summary: 'The first line must name the diagram type, for example "flowchart LR".' });
  });

  it('falls back to the message (line from the text when there is no hash)', () => {
    expect(describeMermaidError(new Error('Lexical error on line 7. Unrecognized text.'))).toMatchObject({
      line: 7,
      summary: 'Line 7: Lexical error on line 7. Unrecognized text.',
    });
    expect(describeMermaidError('boom')).toEqual({ line: null, summary: 'Boom.', detail: 'boom' });
    expect(describeMermaidError(undefined).summary).toBe('Undefined.');
  });
});

describe('placement', () => {
  it('finds the highest index, tombstones included', () => {
    expect(highestIndex([{ index: 'a1' }, { index: 'a10' }, { index: null }, { index: 'Zz' }])).toBe('a10');
    expect(highestIndex([{ index: null }])).toBeNull();
  });

  it('moves bounds so their middle lands on the centre, in whole units', () => {
    expect(offsetToCentre([0, 0, 200, 100], { x: 400, y: 300 })).toEqual({ dx: 300, dy: 250 });
    expect(offsetToCentre([-50, 10, 51, 20], { x: 0, y: 0 })).toEqual({ dx: 0, dy: -15 });
    const { dx, dy } = offsetToCentre([10, 10, 20.5, 30], { x: 0.3, y: 0 });
    expect(Number.isInteger(dx) && Number.isInteger(dy)).toBe(true);
  });

  it('translates copies and leaves the originals and relative points alone', () => {
    const arrow = { id: 'a', x: 1, y: 2, points: [[0, 0], [10, 5]] };
    const [moved] = translated([arrow], 10, -2);
    expect(moved).toEqual({ id: 'a', x: 11, y: 0, points: [[0, 0], [10, 5]] });
    expect(arrow.x).toBe(1);
  });

  it('selects shapes and arrows but not the labels inside them', () => {
    expect(
      selectionFor([
        { id: 'box', containerId: null },
        { id: 'label', containerId: 'box' },
        { id: 'arrow' },
      ]),
    ).toEqual({ box: true, arrow: true });
  });

  it('tells editable shapes from Mermaid’s picture fallback', () => {
    expect(isPictureOnly([{ type: 'image' }])).toBe(true);
    expect(isPictureOnly([{ type: 'rectangle' }, { type: 'image' }])).toBe(false);
    expect(isPictureOnly([])).toBe(false);
  });
});

describe('the starter', () => {
  it('is a small ML flowchart: 4 nodes, 3 edges', () => {
    const lines = STARTER_MERMAID.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(STARTER_MERMAID.match(/-->/g)).toHaveLength(3);
    const ids = new Set([...STARTER_MERMAID.matchAll(/^\s+(\w+)|-->(?:\|[^|]*\|)?\s*(\w+)/gm)].map((m) => m[1] ?? m[2]));
    expect([...ids].sort()).toEqual(['fuse', 'head', 'img', 'txt']);
  });
});
