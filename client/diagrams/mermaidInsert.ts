/**
 * The pure half of Mermaid import: the starter text, turning Mermaid's errors into one sentence
 * with a line number, and where the converted elements go. No Mermaid or Excalidraw imports here,
 * so the unit tests (and the main bundle) never load either.
 */

/** A tiny multimodal model: two encoders, a fusion block and a head; three node shapes and a labelled edge. */
export const STARTER_MERMAID = `flowchart LR
  img[Image encoder] --> fuse([Fusion])
  txt[Text encoder] --> fuse
  fuse -->|concat + MLP| head{{Classification head}}`;

export interface MermaidProblem {
  /** 1-based line of the definition, when Mermaid said which */
  line: number | null;
  /** one sentence for the user */
  summary: string;
  /** Mermaid's own words, for the details */
  detail: string;
}

interface JisonErrorHash {
  loc?: { first_line?: number };
  line?: number;
  /** a name, or jison's symbol number (1 is the end of input) */
  token?: string | number;
  expected?: string[];
}

/**
 * Mermaid throws jison errors (with `hash`) for flowcharts and plain Errors elsewhere; both end up
 * here. `hash.loc.first_line` is the 1-based line the user sees; the "Parse error on line N" in the
 * message can be one further on when the problem is an unclosed bracket at the end.
 */
export function describeMermaidError(error: unknown): MermaidProblem {
  const detail = (error instanceof Error ? error.message : typeof error === 'string' ? error : String(error)).trim();
  const hash = (error as { hash?: JisonErrorHash } | null)?.hash;
  let line: number | null = null;
  if (typeof hash?.loc?.first_line === 'number') line = hash.loc.first_line;
  else if (typeof hash?.line === 'number') line = hash.line + 1;
  else {
    const m = /\bline[: ]+(\d+)/i.exec(detail);
    if (m) line = Number(m[1]);
  }

  if (/no diagram type detected/i.test(detail)) {
    return { line: 1, summary: 'The first line must name the diagram type, for example "flowchart LR".', detail };
  }
  const lastLine = detail.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  let what: string;
  if (hash?.token === 'EOF' || hash?.token === 1 || /got '(EOF|1)'$/.test(lastLine)) what = 'the diagram ends too early (an unfinished edge or bracket?)';
  else if (/got 'NEWLINE'/.test(lastLine)) what = 'the line ends too early (an unfinished edge or bracket?)';
  else if (/^Expecting /.test(lastLine)) what = `unexpected ${/got '([^']+)'/.exec(lastLine)?.[1] ?? 'text'} here`;
  else what = (lastLine || 'Mermaid could not read this').replace(/\.$/, '');
  const summary = line === null ? `${capitalise(what)}.` : `Line ${line}: ${what}.`;
  return { line, summary, detail };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** How far to move elements whose bounds are [minX, minY, maxX, maxY] so their middle lands on `centre`. */
export function offsetToCentre(bounds: readonly [number, number, number, number], centre: { x: number; y: number }): { dx: number; dy: number } {
  const [minX, minY, maxX, maxY] = bounds;
  // Whole scene units: a fractional offset makes every later snap-to-grid drag look off by a hair.
  // (`|| 0` turns Math.round's -0 into 0.)
  return { dx: Math.round(centre.x - (minX + maxX) / 2) || 0, dy: Math.round(centre.y - (minY + maxY) / 2) || 0 };
}

/** Copies of the elements moved by (dx, dy). Arrow points are relative to x/y, so moving x/y is enough. */
export function translated<T extends { x: number; y: number }>(elements: readonly T[], dx: number, dy: number): T[] {
  return elements.map((e) => ({ ...e, x: e.x + dx, y: e.y + dy }));
}

/**
 * What to select after inserting: every new element except labels inside a container, which
 * Excalidraw selects through their container (selecting both makes a drag move the label twice).
 */
export function selectionFor(elements: ReadonlyArray<{ id: string; containerId?: string | null }>): Record<string, true> {
  const out: Record<string, true> = {};
  for (const e of elements) if (!e.containerId) out[e.id] = true;
  return out;
}

/** Whether the converted diagram is editable shapes, or Mermaid's fallback picture for diagram types it cannot map. */
export function isPictureOnly(elements: ReadonlyArray<{ type: string }>): boolean {
  return elements.length > 0 && elements.every((e) => e.type === 'image');
}

/** The highest fractional index in the scene (deleted elements count: their tombstones keep their place). */
export function highestIndex(elements: ReadonlyArray<{ index: string | null }>): string | null {
  let highest: string | null = null;
  for (const e of elements) if (e.index && (highest === null || e.index > highest)) highest = e.index;
  return highest;
}
