/**
 * A small Markdown parser for the question bank's prompts and guides and for interviewer notes:
 * ATX and setext headings, paragraphs, bullet and ordered lists (nested), fenced code blocks,
 * block quotes, GitHub-style pipe tables, thematic breaks, and inline code, bold and italic.
 *
 * It produces a tree of plain data, never HTML: client/lib/Markdown.tsx turns the tree into React
 * elements, so every character of the source reaches the page as text and nothing in a question
 * file or a note can inject markup. Raw HTML, links and images are deliberately not supported:
 * they show up as the literal text that was written.
 *
 * It follows CommonMark where the bank relies on it (list item continuation by indentation,
 * fences inside list items, intraword underscores such as `d_k` staying literal) and is
 * simpler elsewhere. Work is bounded: nesting stops at MAX_DEPTH, and the inline scanner never
 * rescans for a closer it has already failed to find, so hostile input stays linear-ish.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] };

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; content: Inline[] }
  | { type: 'paragraph'; content: Inline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'table'; align: Align[]; header: Inline[][]; rows: Inline[][][] }
  | { type: 'rule' };

/** Deeper nesting (lists in quotes in lists…) is shown as plain text rather than recursed into. */
export const MAX_DEPTH = 12;

export function parseMarkdown(source: string): Block[] {
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(expandLeadingTabs);
  return parseBlocks(lines, 0);
}

function expandLeadingTabs(line: string): string {
  const match = /^[ \t]*/.exec(line)![0];
  if (!match.includes('\t')) return line;
  let width = 0;
  for (const ch of match) width = ch === '\t' ? width + 4 - (width % 4) : width + 1;
  return ' '.repeat(width) + line.slice(match.length);
}

// ---- blocks -------------------------------------------------------------------------------

const BLANK = /^\s*$/;
const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:( +)(.*))?$/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

interface ListMarker {
  ordered: boolean;
  /** `-`, `*`, `+`, or the delimiter `.` / `)` of an ordered marker: a list only continues with the same one. */
  kind: string;
  start: number;
  /** Column where the item's content starts; continuation lines must be indented this far. */
  contentIndent: number;
  firstLine: string;
  empty: boolean;
}

function listMarker(line: string): ListMarker | null {
  const match = LIST_ITEM.exec(line);
  if (!match) return null;
  const indent = match[1]!.length;
  const marker = match[2]!;
  const spaces = match[3]?.length ?? 0;
  const rest = match[4] ?? '';
  const ordered = /\d/.test(marker);
  const empty = rest.trim() === '';
  // Five or more spaces after the marker: the content starts after one, the rest is content.
  const gap = empty || spaces > 4 ? 1 : spaces;
  return {
    ordered,
    kind: ordered ? marker.slice(-1) : marker,
    start: ordered ? Number.parseInt(marker, 10) : 1,
    contentIndent: indent + marker.length + gap,
    firstLine: spaces > 4 ? ' '.repeat(spaces - 1) + rest : rest,
    empty,
  };
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

interface Fence {
  indent: number;
  char: string;
  length: number;
  lang: string;
}

function fenceOpen(line: string): Fence | null {
  const match = FENCE_OPEN.exec(line);
  if (!match) return null;
  const run = match[2]!;
  const info = match[3]!;
  // A backtick fence's info string may not contain backticks (that is inline code instead).
  if (run[0] === '`' && info.includes('`')) return null;
  return { indent: match[1]!.length, char: run[0]!, length: run.length, lang: info.trim().split(/\s+/)[0] ?? '' };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1]![0] === fence.char && match[1]!.length >= fence.length;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  return row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function isTableStart(lines: readonly string[], i: number): boolean {
  const head = lines[i]!;
  const delimiter = lines[i + 1];
  if (delimiter === undefined || !head.includes('|') || !TABLE_DELIMITER.test(delimiter)) return false;
  return splitRow(head).length === splitRow(delimiter).length;
}

function alignOf(cell: string): Align {
  const left = cell.startsWith(':');
  const right = cell.endsWith(':');
  if (left && right) return 'center';
  if (right) return 'right';
  if (left) return 'left';
  return null;
}

/** Whether `line` ends a paragraph by starting another block. */
function interruptsParagraph(line: string): boolean {
  if (fenceOpen(line) || ATX_HEADING.test(line) || RULE.test(line) || QUOTE.test(line)) return true;
  const marker = listMarker(line);
  // As in CommonMark: "1984. was a year" inside a paragraph is text, and so is an empty item.
  return marker !== null && !marker.empty && (!marker.ordered || marker.start === 1);
}

function parseBlocks(lines: readonly string[], depth: number): Block[] {
  if (depth > MAX_DEPTH) {
    const text = lines.join('\n').trim();
    return text ? [{ type: 'paragraph', content: [{ type: 'text', text }] }] : [];
  }
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      i++;
      continue;
    }

    const fence = fenceOpen(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !closesFence(lines[i]!, fence)) {
        const content = lines[i]!;
        body.push(content.slice(Math.min(fence.indent, indentOf(content))));
        i++;
      }
      i++; // the closing fence (or the end of the input)
      blocks.push({ type: 'code', lang: fence.lang, text: body.join('\n') });
      continue;
    }

    const heading = ATX_HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: 'heading', level, content: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }

    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length) {
        const match = QUOTE.exec(lines[i]!);
        if (!match) break;
        inner.push(match[1]!);
        i++;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner, depth + 1) });
      continue;
    }

    if (isTableStart(lines, i)) {
      const header = splitRow(line);
      const align = splitRow(lines[i + 1]!).map(alignOf);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && !BLANK.test(lines[i]!) && lines[i]!.includes('|')) {
        const cells = splitRow(lines[i]!);
        // Rows are padded or cut to the header's width, as GitHub does.
        rows.push(header.map((_, c) => parseInline(cells[c] ?? '')));
        i++;
      }
      blocks.push({ type: 'table', align, header: header.map(parseInline), rows });
      continue;
    }

    const marker = listMarker(line);
    if (marker) {
      const list: Extract<Block, { type: 'list' }> = { type: 'list', ordered: marker.ordered, start: marker.start, items: [] };
      let current: ListMarker | null = marker;
      while (current) {
        const { itemLines, next } = collectItem(lines, i, current);
        list.items.push(parseBlocks(itemLines, depth + 1));
        i = next;
        const following = i < lines.length ? listMarker(lines[i]!) : null;
        current = following && following.ordered === marker.ordered && following.kind === marker.kind ? following : null;
      }
      blocks.push(list);
      continue;
    }

    // A paragraph: runs until a blank line or another block; a setext underline makes it a heading.
    const text: string[] = [line.trim()];
    i++;
    let setext: 1 | 2 | null = null;
    while (i < lines.length && !BLANK.test(lines[i]!)) {
      const next = lines[i]!;
      const underline = SETEXT_UNDERLINE.exec(next);
      if (underline) {
        setext = underline[1]![0] === '=' ? 1 : 2;
        i++;
        break;
      }
      if (interruptsParagraph(next) || isTableStart(lines, i)) break;
      text.push(next.trim());
      i++;
    }
    const content = parseInline(text.join('\n'));
    blocks.push(setext ? { type: 'heading', level: setext, content } : { type: 'paragraph', content });
  }
  return blocks;
}

/**
 * The lines of one list item, de-indented: its first line, then every line indented at least to
 * its content column, blank lines between them, and lazy continuation lines of a paragraph.
 */
function collectItem(lines: readonly string[], start: number, marker: ListMarker): { itemLines: string[]; next: number } {
  const itemLines = [marker.firstLine];
  let fence = fenceOpen(marker.firstLine);
  let i = start + 1;
  while (i < lines.length) {
    const line = lines[i]!;
    if (BLANK.test(line)) {
      itemLines.push('');
      i++;
      continue;
    }
    if (indentOf(line) >= marker.contentIndent) {
      const content = line.slice(marker.contentIndent);
      if (fence) {
        if (closesFence(content, fence)) fence = null;
      } else {
        fence = fenceOpen(content);
      }
      itemLines.push(content);
      i++;
      continue;
    }
    // Lazy continuation: an unindented line straight after paragraph text still belongs to it.
    const previous = itemLines[itemLines.length - 1]!;
    if (!fence && !BLANK.test(previous) && !interruptsParagraph(line) && !listMarker(line)) {
      itemLines.push(line.trim());
      i++;
      continue;
    }
    break;
  }
  // Blank lines after the item belong between blocks, not inside the item.
  while (itemLines.length > 1 && BLANK.test(itemLines[itemLines.length - 1]!)) {
    itemLines.pop();
    i--;
  }
  // `i` now points just past the item's last line; skip the blank lines the outer loop would skip.
  while (i < lines.length && BLANK.test(lines[i]!)) i++;
  return { itemLines, next: i };
}

// ---- inline -------------------------------------------------------------------------------

const ESCAPABLE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  // For each delimiter (e.g. "*1", "_2", "`3"): the first position from which a search already
  // failed. A later search from further on would fail too, so it is skipped.
  const noCloserFrom = new Map<string, number>();

  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;

    if (ch === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }

    if (ch === '`') {
      const run = runLength(text, i, '`');
      const close = findCodeClose(text, i + run, run, noCloserFrom);
      if (close < 0) {
        buffer += '`'.repeat(run);
        i += run;
        continue;
      }
      let code = text.slice(i + run, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
      flush();
      out.push({ type: 'code', text: code });
      i = close + run;
      continue;
    }

    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const run = Math.min(runLength(text, i, ch), 3);
      const fullRun = runLength(text, i, ch);
      if (fullRun <= 3 && canOpen(text, i, fullRun, ch)) {
        const close = findEmphasisClose(text, i + run, ch, run, noCloserFrom);
        if (close >= 0) {
          const inner = parseInline(text.slice(i + run, close), depth + 1);
          flush();
          if (run === 1) out.push({ type: 'em', children: inner });
          else if (run === 2) out.push({ type: 'strong', children: inner });
          else out.push({ type: 'strong', children: [{ type: 'em', children: inner }] });
          i = close + run;
          continue;
        }
      }
      buffer += ch.repeat(fullRun);
      i += fullRun;
      continue;
    }

    buffer += ch;
    i++;
  }
  flush();
  return out;
}

function runLength(text: string, at: number, ch: string): number {
  let n = 0;
  while (text[at + n] === ch) n++;
  return n;
}

function canOpen(text: string, at: number, run: number, ch: string): boolean {
  const after = text[at + run];
  if (after === undefined || SPACE.test(after)) return false;
  // snake_case and d_k stay literal: an underscore only opens at the start of a word.
  if (ch === '_') {
    const before = text[at - 1];
    return before === undefined || !WORD.test(before);
  }
  return true;
}

function canClose(text: string, at: number, run: number, ch: string): boolean {
  const before = text[at - 1];
  if (before === undefined || SPACE.test(before)) return false;
  if (ch === '_') {
    const after = text[at + run];
    return after === undefined || !WORD.test(after);
  }
  return true;
}

/** The next run of exactly `run` backticks at or after `from`, or -1. */
function findCodeClose(text: string, from: number, run: number, failed: Map<string, number>): number {
  const key = `\`${run}`;
  if (from >= (failed.get(key) ?? Infinity)) return -1;
  let i = from;
  while (i < text.length) {
    if (text[i] === '`') {
      const length = runLength(text, i, '`');
      if (length === run) return i;
      i += length;
    } else {
      i++;
    }
  }
  failed.set(key, Math.min(from, failed.get(key) ?? Infinity));
  return -1;
}

/**
 * The closing run for an emphasis opener: a run of exactly `run` delimiters that may close.
 * Code spans and runs of other lengths (e.g. `**` inside `*…*`) are stepped over whole.
 */
function findEmphasisClose(text: string, from: number, ch: string, run: number, failed: Map<string, number>): number {
  const key = ch + run;
  if (from >= (failed.get(key) ?? Infinity)) return -1;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      const ticks = runLength(text, i, '`');
      const close = findCodeClose(text, i + ticks, ticks, failed);
      i = close < 0 ? i + ticks : close + ticks;
      continue;
    }
    if (c === ch) {
      const length = runLength(text, i, ch);
      if (length === run && canClose(text, i, length, ch)) return i;
      i += length;
      continue;
    }
    i++;
  }
  failed.set(key, Math.min(from, failed.get(key) ?? Infinity));
  return -1;
}

/** The text of an inline tree, formatting dropped (for titles, tooltips, search). */
export function inlineText(nodes: readonly Inline[]): string {
  return nodes.map((node) => (node.type === 'text' || node.type === 'code' ? node.text : inlineText(node.children))).join('');
}
