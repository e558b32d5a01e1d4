/**
 * server/scorecard.ts scorecardMarkdown (issue 12, finding 8): a room title, display names and
 * captions are typed by people, some of them strangers to the interviewer. Rendered by a real
 * Markdown renderer (marked, GFM), none of them may become a link, an image, raw HTML or a
 * heading, and each must still read as typed.
 */
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Scorecard } from '../../shared/api.js';
import { buildScorecard, mdText, scorecardMarkdown } from '../../server/scorecard.js';

const HOSTILE = [
  '# x](javascript:alert(document.cookie))',
  '[click me](javascript:alert(1))',
  '![pixel](https://attacker.example/track.png)',
  '<img src=x onerror="alert(1)">',
  '<script>alert(1)</script>',
  'https://attacker.example/login',
  'www.attacker.example',
  '**bold** _em_ `code` ~~gone~~ | pipe',
  'two\nlines\r\n# heading',
  '<a href="javascript:alert(1)">x</a>',
  '&lt;img src=x onerror=alert(1)&gt;',
];

function cardWith(text: string): Scorecard {
  const card = buildScorecard({ id: 'room12345', title: text, createdAt: 0, kind: 'interview' }, () => undefined, new Y.Doc(), 0);
  card.raters = [{ id: 'r1', name: text }];
  card.overall.byRater = { r1: { score: null, coverage: 0, coverageLabel: '0/0 questions · 0% of weight' } };
  card.signals = [{ kind: 'hidden', at: 0, name: text }];
  card.attachments = [{ fileId: 'abcdef012345', mimeType: 'image/png', caption: text, at: 0, by: text }];
  return card;
}

const rendered = (md: string) => marked.parse(md, { async: false, gfm: true });

describe('scorecardMarkdown', () => {
  // The scorecard's own Markdown makes some bold text, code and headings: count against a neutral text.
  const tags = (html: string) => {
    const counts: Record<string, number> = {};
    for (const tag of ['a', 'img', 'script', 'strong', 'em', 'code', 'del', 'h1', 'h2', 'h3', 'li', 'table', 'p']) {
      counts[tag] = (html.match(new RegExp(`<${tag}\\b`, 'gi')) ?? []).length;
    }
    return counts;
  };
  const baseline = tags(rendered(scorecardMarkdown(cardWith('Neutral name'))));

  it.each(HOSTILE)('renders %j inert wherever people typed it', (text) => {
    const html = rendered(scorecardMarkdown(cardWith(text)));
    expect(tags(html)).toEqual(baseline);
    expect(baseline).toMatchObject({ a: 0, img: 0, script: 0 });
  });

  it('shows the title as typed once rendered', () => {
    const title = '# x](javascript:alert(1)) <img onerror> & co';
    const html = rendered(scorecardMarkdown(cardWith(title)));
    const h1 = /<h1[^>]*>(.*?)<\/h1>/.exec(html)![1]!;
    const text = h1.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(text).toBe(`Scorecard: ${title}`);
  });

  it('keeps names on one line, so a name can not start a block of its own', () => {
    expect(mdText('a\nb\r\n\u2028c')).toBe('a b c');
    expect(mdText('plain Name-With: punctuation.')).toBe('plain Name-With: punctuation.');
  });
});
