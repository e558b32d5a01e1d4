/**
 * Every `$…$` and `$$…$$` in the question bank (prompts and guides) parses with KaTeX under the
 * renderer's own options, with throwOnError: a typo in a formula fails CI instead of showing a red
 * error box to an interviewer mid-interview. Math is found with the renderer's own remark plugins,
 * so what is checked is exactly what the browser typesets.
 */
import katex from 'katex';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import ReactMarkdown from 'react-markdown';
import { describe, expect, it } from 'vitest';
import { KATEX_OPTIONS, REMARK_PLUGINS } from '../../client/lib/markdown.js';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';

interface MathNode {
  type: string;
  value?: string;
  children?: MathNode[];
}

/** The math nodes remark-math finds in a Markdown source. */
function mathIn(source: string): { tex: string; display: boolean }[] {
  const found: { tex: string; display: boolean }[] = [];
  const walk = (node: MathNode) => {
    if ((node.type === 'math' || node.type === 'inlineMath') && node.value !== undefined) found.push({ tex: node.value, display: node.type === 'math' });
    node.children?.forEach(walk);
  };
  const collect = () => (tree: MathNode) => walk(tree);
  renderToStaticMarkup(createElement(ReactMarkdown, { remarkPlugins: [...REMARK_PLUGINS, collect], children: source }));
  return found;
}

const questions = loadQuestionBank(defaultQuestionsDir()).list();

describe('math in the question bank', () => {
  it('finds inline and display math the way the renderer does', () => {
    expect(mathIn('a $x^2$ b\n\n$$\n\\sum_i y_i\n$$\n\n`$not$`')).toEqual([
      { tex: 'x^2', display: false },
      { tex: '\\sum_i y_i', display: true },
    ]);
  });

  it('catches a typo', () => {
    const [bad] = mathIn('$\\frac{1}{2$');
    expect(() => katex.renderToString(bad!.tex, { ...KATEX_OPTIONS, throwOnError: true })).toThrow(katex.ParseError);
  });

  for (const q of questions) {
    it(`${q.id}: every formula in the prompt and guide parses with KaTeX`, () => {
      const math = [...mathIn(q.prompt), ...mathIn(q.guide)];
      // Every question has formulas worth typesetting; none is left as plain text only. A
      // spot-the-bug question is a code review: its maths is in the listing, not the prose.
      if (!q.listing) expect(math.length, q.id).toBeGreaterThan(3);
      for (const { tex, display } of math) {
        expect(() => katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display, throwOnError: true }), `${q.id}: $${tex}$`).not.toThrow();
      }
    });
  }
});
