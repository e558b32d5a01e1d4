/**
 * The Markdown renderer (client/lib/markdown.ts) as the browser runs it, rendered to static HTML:
 * CommonMark + GFM, KaTeX math, and the safety property it inherited from the old hand-written
 * parser: nothing in a question file or a note becomes markup, a URL or a script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import MarkdownBody, { nestingEstimate } from '../../client/lib/markdown.js';
import { Markdown, RichTextGate } from '../../client/lib/Markdown.js';
import { hasMath } from '../../client/panel/NotesField.js';

const html = (source: string, headingOffset = 0) => renderToStaticMarkup(createElement(MarkdownBody, { source, headingOffset }));

describe('Markdown: CommonMark and GFM', () => {
  it('renders bold, italic, code and their nesting', () => {
    const out = html('a **b** *c* `d` ***e***');
    expect(out).toContain('<strong>b</strong>');
    expect(out).toContain('<em>c</em>');
    expect(out).toContain('<code>d</code>');
    expect(out).toMatch(/<em><strong>e<\/strong><\/em>|<strong><em>e<\/em><\/strong>/);
  });

  it('keeps intraword underscores (d_k, W_Q, snake_case) literal', () => {
    expect(html('d_k with W_Q and my_var_name')).toBe('<p>d_k with W_Q and my_var_name</p>');
    expect(html('_emphasis_')).toBe('<p><em>emphasis</em></p>');
  });

  it('leaves unmatched or space-flanked delimiters as text', () => {
    expect(html('2 * 3 * 4')).toBe('<p>2 * 3 * 4</p>');
    expect(html('**open only')).toBe('<p>**open only</p>');
  });

  it('renders fenced code (with its language) and keeps an unclosed fence open', () => {
    const out = html('```ts\nconst a = 1;\n\n  indented\n```');
    expect(out).toContain('<pre class="md-code"><code class="language-ts">const a = 1;\n\n  indented\n</code></pre>');
    expect(html('```\nno end')).toContain('no end');
  });

  it('renders nested lists with fenced code inside items and keeps start numbers', () => {
    const out = html(['3. First', '   continued', '4. Second:', '', '   ```text', '   formula', '   ```', '   - nested'].join('\n'));
    expect(out).toMatch(/^<ol start="3">/);
    expect(out).toContain('<pre class="md-code"><code class="language-text">formula\n</code></pre>');
    expect(out).toMatch(/<li>[\s\S]*<ul>\s*<li>nested<\/li>/);
  });

  it('renders GFM tables with alignment and escaped pipes, wrapped for scrolling', () => {
    const out = html('| a | b |\n|:--|--:|\n| `x \\| y` | 2 |');
    expect(out).toMatch(/^<div class="md-table-wrap"><table>/);
    expect(out).toContain('<th style="text-align:left">a</th>');
    expect(out).toContain('<td style="text-align:right">2</td>');
    expect(out).toContain('<code>x | y</code>');
  });

  it('renders strikethrough and task lists', () => {
    expect(html('~~gone~~')).toContain('<del>gone</del>');
    expect(html('- [x] done')).toContain('type="checkbox"');
  });

  it('shifts heading levels by headingOffset and keeps the source level as a class', () => {
    expect(html('### Guide', 1)).toBe('<h4 class="md-h md-h3">Guide</h4>');
    expect(html('###### Deep', 3)).toBe('<h6 class="md-h md-h6">Deep</h6>');
  });
});

describe('Markdown: math', () => {
  it('typesets $…$ inline and $$…$$ as display math with KaTeX', () => {
    const out = html('Scores are $\\operatorname{softmax}(QK^\\top/\\sqrt{d_k})$.\n\n$$\nx_{t-1} = x_t\n$$');
    expect(out).toMatch(/<span class="katex">/);
    expect(out).toMatch(/<span class="katex-display">/);
    // MathML for screen readers, and the TeX source kept as its annotation.
    expect(out).toContain('<annotation encoding="application/x-tex">\\operatorname{softmax}(QK^\\top/\\sqrt{d_k})</annotation>');
  });

  it('shows a typo as a KaTeX error in place instead of failing the whole text', () => {
    const out = html('before $\\frac{1}{$ after');
    expect(out).toContain('before');
    expect(out).toContain('after');
  });

  it('does not treat dollars inside code as math', () => {
    expect(html('`cost = $5`')).toBe('<p><code>cost = $5</code></p>');
  });

  it('refuses trusted-only KaTeX commands (no links or classes from a note)', () => {
    const out = html('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{evil}{y}$ $\\url{https://evil}$');
    expect(out).not.toContain('href=');
    expect(out).not.toContain('class="evil"');
  });
});

describe('Markdown rendering is safe', () => {
  it('escapes raw HTML everywhere: text, code, tables, headings', () => {
    const source = [
      '# <img src=x onerror=alert(1)>',
      '',
      'Hello <script>alert(1)</script> & "quotes"',
      '',
      '<div onclick="x()">block html</div>',
      '',
      '`<b>code</b>`',
      '',
      '```html',
      '<iframe src="javascript:alert(1)"></iframe>',
      '```',
      '',
      '| <a href="javascript:x">h</a> |',
      '|---|',
      '| <svg onload=alert(1)> |',
    ].join('\n');
    const out = html(source);
    expect(out).not.toMatch(/<(script|img|iframe|svg|a|div onclick)[\s>]/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;div onclick=&quot;x()&quot;&gt;block html&lt;/div&gt;');
    expect(out).toContain('<code>&lt;b&gt;code&lt;/b&gt;</code>');
    expect(out).toContain('&amp;');
  });

  it('renders links, images, autolinks and references as the literal text written', () => {
    const out = html('[click](javascript:alert(1)) ![x](http://evil/x.png) <http://evil> [ref]\n\n[ref]: javascript:alert(2)');
    expect(out).not.toMatch(/<a[\s>]|<img|href=|src=/);
    const text = out.replace(/<[^>]+>/g, '');
    expect(text).toContain('[click](javascript:alert(1))');
    expect(text).toContain('![x](http://evil/x.png)');
    expect(text).toContain('&lt;http://evil&gt;');
    expect(text).toContain('[ref]: javascript:alert(2)');
  });

  it('renders a GFM bare URL as text, not a link', () => {
    const out = html('see https://example.com/x and www.example.com');
    expect(out).not.toMatch(/<a[\s>]|href=/);
    expect(out.replace(/<[^>]+>/g, '')).toBe('see https://example.com/x and www.example.com');
  });

  it('shows over-deep or over-long sources as plain text instead of recursing without bound', () => {
    expect(nestingEstimate('- a\n  - b\n    - c')).toBe(3);
    expect(nestingEstimate('> > 1. x')).toBe(3);
    expect(html('> '.repeat(2_000) + 'bottom')).toBe(`<div class="md-plain">${'&gt; '.repeat(2_000)}bottom</div>`);
    expect(html('- '.repeat(2_000) + 'x')).toMatch(/^<div class="md-plain">- - /);
    expect(html(' '.repeat(100) + '- x')).toMatch(/^<div class="md-plain">/);
    expect(html('*a'.repeat(40_000))).toMatch(/^<div class="md-plain">\*a\*a/);
  });
});

describe('<Markdown> wrapper', () => {
  it('shows the source as plain text while rich text is held back', () => {
    const out = renderToStaticMarkup(
      createElement(RichTextGate.Provider, { value: false }, createElement(Markdown, { source: '**b** <i>x</i> $a$', testId: 't' })),
    );
    expect(out).toBe('<div class="md" data-testid="t"><div class="md-plain">**b** &lt;i&gt;x&lt;/i&gt; $a$</div></div>');
  });
});

describe('panel notes', () => {
  it('get a typeset preview only when they contain $…$ math', () => {
    expect(hasMath('derived $\\sqrt{d_k}$ unprompted')).toBe(true);
    expect(hasMath('$$\nx^2\n$$')).toBe(true);
    expect(hasMath('costs $5')).toBe(false);
    expect(hasMath('plain note')).toBe(false);
  });
});

describe('the question bank renders', () => {
  it('renders every prompt and guide with headings and no stray fences', { timeout: 60_000 }, () => {
    const dir = path.resolve(import.meta.dirname, '../../questions');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(q\d+[^/]*\.md|question\.md)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      const body = fs.readFileSync(path.join(dir, file), 'utf8').split(/^---$/m).slice(2).join('---');
      const out = html(body);
      expect(out, file).toContain('<h2');
      expect(out, file).not.toContain('```');
      expect(out, file).not.toContain('katex-error');
    }
  });
});
