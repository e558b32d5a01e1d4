/**
 * The rich renderer behind <Markdown>: CommonMark + GFM (tables, strikethrough, task lists) with
 * `$…$` / `$$…$$` math typeset by KaTeX, rendered straight to React elements (react-markdown →
 * remark → rehype → JSX). It replaces a hand-written 455-line parser; this module is a lazy chunk
 * (client/lib/Markdown.tsx imports it dynamically) because KaTeX and the unified stack are about
 * 110 kB gzip and the candidate must be able to type in the pad before any of it arrives.
 *
 * Safety is the same as before, in two walls:
 * - Syntax: raw HTML (blocks and inline), links, images, autolinks, link definitions and
 *   footnotes are switched off in the tokenizer itself, so `<script>` or `[x](javascript:…)` is
 *   parsed as the literal text written.
 * - Output: react-markdown builds React elements, never innerHTML; what still comes out as an
 *   `a` (GFM turns bare `www.x` / `https://x` into links after tokenizing) is rendered as its
 *   text only, so no element from the source ever carries a URL.
 * KaTeX runs with `trust: false` (no \href, \url, \includegraphics, \htmlClass…) and bounded
 * macro expansion and sizes, so a hostile note cannot build a link or a huge box.
 */
import type { ComponentProps, ReactNode } from 'react';
import { createElement } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeKatex, { type Options as KatexOptions } from 'rehype-katex';
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

export const KATEX_OPTIONS: KatexOptions = {
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
export const REHYPE_PLUGINS = [[rehypeKatex, KATEX_OPTIONS]] as ComponentProps<typeof ReactMarkdown>['rehypePlugins'];

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
    pre: ({ children }) => createElement('pre', { className: 'md-code' }, children),
    table: ({ children }) => createElement('div', { className: 'md-table-wrap' }, createElement('table', null, children)),
  };
}

const componentCache = new Map<number, Components>();

export interface MarkdownBodyProps {
  source: string;
  /** Added to every heading level, so a guide's `###` fits under the panel's own headings. */
  headingOffset?: number;
}

/** The source rendered as React elements (see the module comment for what is allowed). */
export default function MarkdownBody({ source, headingOffset = 0 }: MarkdownBodyProps) {
  if (!fitsRichText(source)) return createElement('div', { className: 'md-plain' }, source);
  let mapped = componentCache.get(headingOffset);
  if (!mapped) componentCache.set(headingOffset, (mapped = components(headingOffset)));
  return createElement(ReactMarkdown, {
    remarkPlugins: REMARK_PLUGINS,
    rehypePlugins: REHYPE_PLUGINS,
    components: mapped,
    // Belt and braces: nothing here carries a URL, but if one did, no scheme but http(s).
    urlTransform: (url) => (/^https?:/i.test(url) ? url : ''),
    children: source,
  });
}
