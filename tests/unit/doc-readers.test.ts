/**
 * Issue 12, finding 3, at the readers: whatever keys a panel doc holds, reading it (scores,
 * rubric summary, scorecard) never writes to Object.prototype. The server refuses such keys in
 * client updates (tests/integration/sync-hostile-keys.test.ts); the readers must not depend on it,
 * since a doc written before that check, or replayed from a file, may still hold them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isHostileKey, panelNotes, panelPlan, panelRaters, panelScores, readPanelScores } from '../../shared/doc.js';
import { overallScore, panelSummary } from '../../shared/rubric.js';
import { buildScorecard, scorecardMarkdown } from '../../server/scorecard.js';
import type { Question } from '../../shared/question.js';

const before = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  // Undo any pollution so one failure does not cascade into every later test of the run.
  for (const name of Object.getOwnPropertyNames(Object.prototype)) if (!before.includes(name)) delete (Object.prototype as Record<string, unknown>)[name];
});

const SUB = 'math-understanding';

function hostilePanel(): Y.Doc {
  const doc = new Y.Doc();
  const scores = panelScores(doc);
  for (const key of [`__proto__/q1/${SUB}`, `r1/__proto__/${SUB}`, `r1/q1/__proto__`, `constructor/prototype/${SUB}`, `r1/q1/${SUB}`]) scores.set(key, 4);
  panelRaters(doc).set('__proto__', { name: 'Mallory', joinedAt: 1 });
  panelNotes(doc).set('__proto__/q1', 'note');
  panelPlan(doc).push(['q1', '__proto__', 'constructor']);
  return doc;
}

describe('panel readers and hostile keys', () => {
  it('isHostileKey catches the three names whole and as any /-separated part', () => {
    for (const k of ['__proto__', 'constructor', 'prototype', `__proto__/q/${SUB}`, 'a/constructor', 'a/b/prototype']) expect(isHostileKey(k)).toBe(true);
    for (const k of ['', 'r1/q1/x', '__proto', 'constructors', 'a_prototype/b', 'toString']) expect(isHostileKey(k)).toBe(false);
  });

  it('readPanelScores, panelSummary and the scorecard leave Object.prototype alone', () => {
    const doc = hostilePanel();
    const scores = readPanelScores(doc);
    expect(Object.keys(scores)).toEqual(['r1']);
    expect(scores.r1!.q1).toEqual({ [SUB]: 4 });
    const summary = panelSummary(scores, ['q1', '__proto__', 'constructor']);
    overallScore(scores.r1!, ['__proto__', 'q1']);
    const q1 = { id: 'q1', title: 'Q1', minutes: 10, followUps: [], probing: [] } as unknown as Question;
    const card = buildScorecard({ id: 'room1234', title: 't', createdAt: 0 } as never, (id) => (id === 'q1' ? q1 : undefined), doc);
    scorecardMarkdown(card);
    expect(summary.overall.byInterviewer.r1?.score).not.toBeNull();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>)[SUB]).toBeUndefined();
    expect(({} as Record<string, unknown>).q1).toBeUndefined();
  });
});
