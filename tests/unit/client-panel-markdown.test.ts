import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../client/lib/Markdown.js';
import { inlineText, parseInline, parseMarkdown, type Block } from '../../client/lib/markdown.js';

const html = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

describe('parseInline', () => {
  it('parses bold, italic, code and their nesting', () => {
    expect(parseInline('a **b** *c* `d` ***e***')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'd' },
      { type: 'text', text: ' ' },
      { type: 'strong', children: [{ type: 'em', children: [{ type: 'text', text: 'e' }] }] },
    ]);
    expect(parseInline('*a **b** c*')).toEqual([
      { type: 'em', children: [{ type: 'text', text: 'a ' }, { type: 'strong', children: [{ type: 'text', text: 'b' }] }, { type: 'text', text: ' c' }] },
    ]);
  });

  it('keeps intraword underscores (d_k, W_Q, snake_case) literal', () => {
    expect(inlineText(parseInline('softmax(Q·Kᵀ / √d_k) with W_Q and my_var_name'))).toBe('softmax(Q·Kᵀ / √d_k) with W_Q and my_var_name');
    expect(parseInline('d_k and d_v')).toEqual([{ type: 'text', text: 'd_k and d_v' }]);
    expect(parseInline('_emphasis_')).toEqual([{ type: 'em', children: [{ type: 'text', text: 'emphasis' }] }]);
  });

  it('leaves unmatched or space-flanked delimiters as text', () => {
    expect(parseInline('2 * 3 * 4')).toEqual([{ type: 'text', text: '2 * 3 * 4' }]);
    expect(parseInline('**open only')).toEqual([{ type: 'text', text: '**open only' }]);
    expect(parseInline('a ` b')).toEqual([{ type: 'text', text: 'a ` b' }]);
  });

  it('does not parse emphasis inside code spans, and honours backslash escapes', () => {
    expect(parseInline('`a*b*c` \\*x\\*')).toEqual([
      { type: 'code', text: 'a*b*c' },
      { type: 'text', text: ' *x*' },
    ]);
    expect(parseInline('``code with ` tick``')).toEqual([{ type: 'code', text: 'code with ` tick' }]);
  });

  it('stays fast on hostile input (no quadratic rescans)', () => {
    const started = performance.now();
    parseInline('*a'.repeat(50_000));
    parseInline('_'.repeat(100_000));
    parseInline('`'.repeat(3) + 'x`'.repeat(30_000));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('parseMarkdown', () => {
  it('parses headings, paragraphs, rules and fenced code', () => {
    const blocks = parseMarkdown('# Title\n\nPara one\nstill one\n\n---\n\n```ts\nconst a = 1;\n\n  indented\n```\n');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'rule', 'code']);
    expect(blocks[3]).toEqual({ type: 'code', lang: 'ts', text: 'const a = 1;\n\n  indented' });
    expect(inlineText((blocks[1] as Extract<Block, { type: 'paragraph' }>).content)).toBe('Para one\nstill one');
  });

  it('keeps an unclosed fence open to the end instead of dropping text', () => {
    expect(parseMarkdown('```\nno end')).toEqual([{ type: 'code', lang: '', text: 'no end' }]);
  });

  it('parses nested lists with continuation lines and fenced code inside items', () => {
    const source = [
      '1. **First.** text',
      '   continued',
      '2. Second:',
      '',
      '   ```text',
      '   formula',
      '   ```',
      '',
      '   After the code.',
      '3. Third',
      '   - *nested* one',
      '     more of it',
      '   - nested two',
    ].join('\n');
    const [list] = parseMarkdown(source) as [Extract<Block, { type: 'list' }>];
    expect(list.type).toBe('list');
    expect(list.ordered).toBe(true);
    expect(list.items).toHaveLength(3);
    expect(list.items[1]!.map((b) => b.type)).toEqual(['paragraph', 'code', 'paragraph']);
    expect(list.items[1]![1]).toEqual({ type: 'code', lang: 'text', text: 'formula' });
    const nested = list.items[2]![1] as Extract<Block, { type: 'list' }>;
    expect(nested.type).toBe('list');
    expect(nested.items).toHaveLength(2);
    expect(inlineText((nested.items[0]![0] as Extract<Block, { type: 'paragraph' }>).content)).toBe('nested one\nmore of it');
  });

  it('keeps ordered list start numbers and splits lists by marker kind', () => {
    const blocks = parseMarkdown('3. three\n4. four\n\n- a\n+ b');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatchObject({ type: 'list', ordered: true, start: 3 });
    expect(blocks[1]).toMatchObject({ type: 'list', ordered: false });
    expect(blocks[2]).toMatchObject({ type: 'list', ordered: false });
  });

  it('does not start a list from a number inside a paragraph', () => {
    expect(parseMarkdown('The year\n1984. was long').map((b) => b.type)).toEqual(['paragraph']);
  });

  it('parses pipe tables with alignment and escaped pipes', () => {
    const [table] = parseMarkdown('| a | b |\n|:--|--:|\n| `x \\| y` | 2 |\n| only |') as [Extract<Block, { type: 'table' }>];
    expect(table.type).toBe('table');
    expect(table.align).toEqual(['left', 'right']);
    expect(table.rows).toHaveLength(2);
    expect(table.rows[0]![0]).toEqual([{ type: 'code', text: 'x | y' }]);
    expect(table.rows[1]).toHaveLength(2); // padded to the header's width
  });

  it('parses block quotes and setext headings', () => {
    expect(parseMarkdown('> quoted\n> more')[0]).toMatchObject({ type: 'quote' });
    expect(parseMarkdown('Title\n=====')[0]).toMatchObject({ type: 'heading', level: 1 });
  });

  it('caps nesting depth instead of recursing without bound', () => {
    const deep = '> '.repeat(5_000) + 'bottom';
    expect(() => parseMarkdown(deep)).not.toThrow();
    expect(() => parseMarkdown('- '.repeat(5_000) + 'x')).not.toThrow();
  });

  it('renders every question guide in the bank without losing text', () => {
    const dir = path.resolve(import.meta.dirname, '../../questions');
    for (const file of fs.readdirSync(dir).filter((f) => /^q\d+.*\.md$/.test(f))) {
      const body = fs.readFileSync(path.join(dir, file), 'utf8').split(/^---$/m).slice(2).join('---');
      const out = html(body);
      expect(out, file).toContain('<h2');
      expect(out, file).not.toContain('```');
    }
  });
});

describe('Markdown rendering is safe', () => {
  it('escapes raw HTML everywhere: text, code, tables, headings', () => {
    const source = [
      '# <img src=x onerror=alert(1)>',
      '',
      'Hello <script>alert(1)</script> & "quotes"',
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
    expect(out).not.toMatch(/<(script|img|iframe|svg|a)[\s>]/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('<code>&lt;b&gt;code&lt;/b&gt;</code>');
    expect(out).toContain('&amp;');
  });

  it('renders links and images as the literal text written', () => {
    const out = html('[click](javascript:alert(1)) ![x](http://evil/x.png)');
    expect(out).not.toContain('<a');
    expect(out).not.toContain('<img');
    expect(out).toContain('[click](javascript:alert(1))');
  });
});
