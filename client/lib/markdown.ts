/**
 * The rich renderer behind <Markdown>: CommonMark + GFM (tables, strikethrough, task lists) with
 * `$…$` / `$$…$$` math typeset by KaTeX, rendered to React elements (react-markdown → remark →
 * rehype → JSX; math through KaTeX directly, see mathHtml). It replaces a hand-written 455-line
 * parser. This module is a lazy chunk (client/lib/Markdown.tsx imports it dynamically): with
 * KaTeX it is about 135 kB gzip of JS and CSS (markdown 51 kB + katex 76 kB + CSS 8 kB, measured
 * on the production build), plus the fonts a formula uses, and the candidate must be able to
 * type in the pad before any of it arrives.
 *
 * Safety is the same as before, in three walls:
 * - Syntax: raw HTML (blocks and inline), links, images, autolinks, link definitions and
 *   footnotes are switched off in the tokenizer itself, so `<script>` or `[x](javascript:…)` is
 *   parsed as the literal text written.
 * - Output: react-markdown builds React elements; what still comes out as an `a` (GFM turns bare
 *   `www.x` / `https://x` into links after tokenizing) is rendered as its text only, so no
 *   element from the source ever carries a URL.
 * - Math: KaTeX runs with `trust: false` (no \href, \url, \includegraphics, \htmlClass…) and
 *   bounded macro expansion and sizes, so a hostile note cannot build a link or a huge box; its
 *   HTML is the only innerHTML on this path (see mathHtml).
 */
import katex, { type KatexOptions } from 'katex';
import type { ReactNode } from 'react';
import { createElement, memo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import 'katex/dist/katex.min.css';

/** Tokenizer constructs that are turned off: each would produce raw HTML or a URL. */
const DISABLED_CONSTRUCTS = [
  'htmlFlow',
  'htmlText',
  'autolink',
  'labelStartLink',
  'labelStartImage',
  'definition',
  'gfmFootnoteDefinition',
  'gfmFootnoteCall',
  'gfmPotentialFootnoteCall',
] as const;

interface ParserData {
  micromarkExtensions?: unknown[];
}

/** A remark plugin: registers a micromark extension that disables DISABLED_CONSTRUCTS. */
function remarkTextOnly(this: unknown): void {
  // `this` is the unified processor; only its data bag is touched (the typed Processor lives in
  // `unified`, which is react-markdown's dependency, not ours).
  const data = (this as { data(): ParserData }).data();
  (data.micromarkExtensions ??= []).push({ disable: { null: [...DISABLED_CONSTRUCTS] } });
}

export const KATEX_OPTIONS: Omit<KatexOptions, 'displayMode' | 'throwOnError'> = {
  trust: false,
  strict: 'ignore',
  // A note's `\def\a{\a\a}` or `\rule{1e9em}{1em}` stays small and cheap.
  maxExpand: 500,
  maxSize: 20,
  // Screen readers get MathML; sighted users the HTML layout (KaTeX's default 'htmlAndMathml').
  output: 'htmlAndMathml',
};

/** `remarkGfm` after `remarkTextOnly` so GFM's own extensions are parsed with the same disables. */
export const REMARK_PLUGINS = [remarkTextOnly, remarkGfm, remarkMath];

/**
 * Typeset TeX, memoised: a guide re-renders with the same ~100 formulas whenever the panel does.
 * KaTeX's own HTML goes in as innerHTML, the one place on this path that does: it is what KaTeX
 * is for, it escapes every character of the source, and with `trust: false` it emits no URL, no
 * event handler and no class or id of the author's choosing (tests/unit/client-panel-markdown.test.ts).
 * rehype-katex would instead re-parse that HTML into a tree and rebuild it as React elements:
 * measured on q5's guide in Node, 1.2 s against 0.17 s without math, so the typeset HTML is used as is.
 */
const typeset = new Map<string, string>();
const MAX_TYPESET_CACHE = 2_000;

export function mathHtml(tex: string, display: boolean): string {
  const key = `${display ? 'D' : 'I'}${tex}`;
  let html = typeset.get(key);
  if (html === undefined) {
    try {
      html = katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display, throwOnError: false });
    } catch {
      // Non-parse failures (a KaTeX bug, a limit): the source, escaped, in KaTeX's error style.
      html = `<span class="katex-error">${tex.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</span>`;
    }
    if (typeset.size >= MAX_TYPESET_CACHE) typeset.clear();
    typeset.set(key, html);
  }
  return html;
}

function mathElement(tex: string, display: boolean) {
  return createElement(display ? 'div' : 'span', {
    className: display ? 'md-math md-math-display' : 'md-math',
    dangerouslySetInnerHTML: { __html: mathHtml(tex, display) },
  });
}

/** remark-math hands math on as `code.math-inline` and `pre > code.math-display` elements. */
const hasClass = (className: unknown, name: string) => String(className ?? '').split(/[\s,]+/).includes(name);
const textOf = (children: ReactNode): string =>
  typeof children === 'string' ? children : Array.isArray(children) ? children.map(textOf).join('') : '';

/**
 * Past these the source is shown as plain text instead. micromark and mdast recurse once per
 * container, so 2,000 nested `- ` overflow the stack, and 500 already take over a second in
 * Node (measured in tests/unit/client-panel-markdown.test.ts's first run); the bank's deepest
 * line nests 3 and its longest file is under 20k characters. A note is typed by a person, so
 * these only stop a paste or a prank from freezing the panel.
 */
export const MAX_RICH_DEPTH = 16;
export const MAX_RICH_CHARS = 60_000;

const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))+/;

/** A cheap upper bound on how deeply a line nests: its container markers plus its leading indent / 2. */
export function nestingEstimate(source: string): number {
  let deepest = 0;
  for (const line of source.split('\n')) {
    const prefix = CONTAINER_PREFIX.exec(line)?.[0] ?? /^[ \t]*/.exec(line)![0];
    const markers = prefix.replace(/[\s]/g, '').replace(/\d{1,9}[.)]/g, '#').length;
    const indent = /^[ \t]*/.exec(prefix)![0].length;
    deepest = Math.max(deepest, markers + Math.floor(indent / 2));
  }
  return deepest;
}

export function fitsRichText(source: string): boolean {
  return source.length <= MAX_RICH_CHARS && nestingEstimate(source) <= MAX_RICH_DEPTH;
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;

function components(headingOffset: number): Components {
  const heading = (level: number) =>
    function Heading({ children }: { children?: ReactNode }) {
      const shown = Math.min(6, Math.max(1, level + headingOffset));
      return createElement(`h${shown}`, { className: `md-h md-h${level}` }, children);
    };
  const byLevel = Object.fromEntries(HEADINGS.map((tag, i) => [tag, heading(i + 1)]));
  return {
    ...byLevel,
    a: ({ children }) => createElement('span', { className: 'md-link-text' }, children),
    img: ({ alt }) => alt ?? null,
    code: ({ className, children }) =>
      hasClass(className, 'math-inline') || hasClass(className, 'math-display')
        ? mathElement(textOf(children), hasClass(className, 'math-display'))
        : createElement('code', { className }, children),
    pre: ({ node, children }) => {
      const first = node?.children[0];
      // Display math: the code component above typesets it; a <pre> around it would be wrong.
      if (first?.type === 'element' && hasClass(first.properties.className, 'math-display')) return children;
      return createElement('pre', { className: 'md-code' }, children);
    },
    table: ({ children }) => createElement('div', { className: 'md-table-wrap' }, createElement('table', null, children)),
  };
}

const componentCache = new Map<number, Components>();

export interface MarkdownBodyProps {
  source: string;
  /** Added to every heading level, so a guide's `###` fits under the panel's own headings. */
  headingOffset?: number;
}

/**
 * The source rendered as React elements (see the module comment for what is allowed). Memoised on
 * its props: the question strip re-renders every second for its timer, and parsing is the cost.
 */
function MarkdownBody({ source, headingOffset = 0 }: MarkdownBodyProps) {
  if (!fitsRichText(source)) return createElement('div', { className: 'md-plain' }, source);
  let mapped = componentCache.get(headingOffset);
  if (!mapped) componentCache.set(headingOffset, (mapped = components(headingOffset)));
  return createElement(ReactMarkdown, {
    remarkPlugins: REMARK_PLUGINS,
    components: mapped,
    // Belt and braces: nothing here carries a URL, but if one did, no scheme but http(s).
    urlTransform: (url) => (/^https?:/i.test(url) ? url : ''),
    children: source,
  });
}

export default memo(MarkdownBody);
