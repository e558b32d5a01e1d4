/**
 * Coverage reads the same in the live panel (LiveScores, rendered here in jsdom from a real
 * panel Y.Doc) and in the scorecard exports (buildScorecard's JSON and its Markdown), for the
 * same ratings: one definition, one wording (shared/rubric.ts; issue 13).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import * as Y from 'yjs';
import { LiveScores } from '../../client/panel/LiveScores.js';
import { buildScorecard, scorecardMarkdown } from '../../server/scorecard.js';
import { panelPlan, panelRaters, panelScores, scoreKey } from '../../shared/doc.js';
import type { Score } from '../../shared/rubric.js';
import type { Question } from '../../shared/question.js';
import { RUBRIC_SUB_CRITERION_IDS } from '../../shared/rubric.js';

let root: Root | null = null;
let host: HTMLElement | null = null;
afterEach(async () => {
  if (root) await act(async () => root!.unmount());
  host?.remove();
  root = null;
  host = null;
});

const question = (id: string): Question => ({ id, title: `Question ${id}`, minutes: 10, followUps: ['a', 'b'], probing: ['c'] }) as unknown as Question;

describe('coverage, panel and export alike', () => {
  it('shows the same coverage strings in LiveScores, the scorecard JSON and its Markdown', async () => {
    const panel = new Y.Doc();
    panelPlan(panel).push(['q1', 'q2']);
    panelRaters(panel).set('r1', { name: 'Ines', joinedAt: 0 });
    // 12 of the 16 sub-criteria of q1 scored; q2 untouched
    RUBRIC_SUB_CRITERION_IDS.slice(0, 12).forEach((sub, i) => panelScores(panel).set(scoreKey('r1', 'q1', sub), ((i % 5) + 1) as Score));

    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    await act(async () => {
      root!.render(<LiveScores doc={panel} planIds={['q1', 'q2']} known={() => true} questionId="q1" questionTitle="Question q1" myRaterId="r1" />);
    });
    const panelQuestion = host.querySelector('[data-testid="my-question-coverage"]')!.textContent;
    const panelOverall = host.querySelector('[data-testid="my-overall-coverage"]')!.textContent;
    expect(panelQuestion).toMatch(/^12\/16 · \d+% of weight$/);
    expect(panelOverall).toMatch(/^1\/2 questions · \d+% of weight$/);

    const card = buildScorecard({ id: 'room1', title: 'Room', createdAt: 0, kind: 'interview' }, question, panel, 0);
    expect(card.questions[0]!.byRater.r1!.coverageLabel).toBe(panelQuestion);
    expect(card.overall.byRater.r1!.coverageLabel).toBe(panelOverall);
    // the number in the JSON is the percentage in the label
    expect(panelQuestion).toContain(`${Math.round(card.questions[0]!.byRater.r1!.coverage * 100)}% of weight`);
    const md = scorecardMarkdown(card);
    expect(md).toContain(`(${panelQuestion})`);
    expect(md).toContain(`| ${panelOverall} |`);
    expect(md).not.toMatch(/% scored/);
  });
});
