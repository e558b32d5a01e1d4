/**
 * Writes to the panel doc, always through shared/doc.ts's keys. Only the interviewer's own
 * rater id is ever written; clearing a score deletes its key (an unscored item is missing,
 * never null or zero: see shared/rubric.ts).
 */
import type * as Y from 'yjs';
import { askedKey, noteKey, panelAsked, panelNotes, panelScores, scoreKey } from '../../shared/doc.js';
import { isScore, type Score, type SubCriterionId } from '../../shared/rubric.js';

export function setScore(doc: Y.Doc, raterId: string, questionId: string, sub: SubCriterionId, score: Score | null): void {
  const scores = panelScores(doc);
  const key = scoreKey(raterId, questionId, sub);
  if (score === null) {
    if (scores.has(key)) scores.delete(key);
  } else if (scores.get(key) !== score) {
    scores.set(key, score);
  }
}

export function readScore(doc: Y.Doc, raterId: string, questionId: string, sub: SubCriterionId): Score | null {
  const value = panelScores(doc).get(scoreKey(raterId, questionId, sub));
  return isScore(value) ? value : null;
}

/** Key presses on a focused rubric row: 1–5 score it, 0 / Backspace / Delete clear it. */
export type ScoreKeyAction = { kind: 'score'; score: Score } | { kind: 'clear' } | { kind: 'move'; delta: number | 'first' | 'last' };

export function scoreKeyAction(key: string): ScoreKeyAction | null {
  if (key.length === 1 && key >= '1' && key <= '5') return { kind: 'score', score: Number(key) as Score };
  switch (key) {
    case '0':
    case 'Backspace':
    case 'Delete':
      return { kind: 'clear' };
    case 'ArrowUp':
      return { kind: 'move', delta: -1 };
    case 'ArrowDown':
      return { kind: 'move', delta: 1 };
    case 'Home':
      return { kind: 'move', delta: 'first' };
    case 'End':
      return { kind: 'move', delta: 'last' };
    default:
      return null;
  }
}

/** The row a move lands on, clamped to the grid. */
export function moveRow(index: number, delta: number | 'first' | 'last', count: number): number {
  if (delta === 'first') return 0;
  if (delta === 'last') return count - 1;
  return Math.max(0, Math.min(count - 1, index + delta));
}

/** Clicking the score a row already has clears it; any other score replaces it. */
export function toggledScore(current: Score | null, clicked: Score): Score | null {
  return current === clicked ? null : clicked;
}

export function readNote(doc: Y.Doc, raterId: string, questionId: string): string {
  const value = panelNotes(doc).get(noteKey(raterId, questionId));
  return typeof value === 'string' ? value : '';
}

export function writeNote(doc: Y.Doc, raterId: string, questionId: string, text: string): void {
  const notes = panelNotes(doc);
  const key = noteKey(raterId, questionId);
  if (text === '') {
    if (notes.has(key)) notes.delete(key);
  } else if (notes.get(key) !== text) {
    notes.set(key, text);
  }
}

export type AskedKind = 'followUp' | 'probing';

export function isAsked(doc: Y.Doc, questionId: string, kind: AskedKind, index: number): boolean {
  return panelAsked(doc).has(askedKey(questionId, kind, index));
}

export function setAsked(doc: Y.Doc, raterId: string, questionId: string, kind: AskedKind, index: number, asked: boolean, at: number): void {
  const marks = panelAsked(doc);
  const key = askedKey(questionId, kind, index);
  if (asked) marks.set(key, { raterId, at });
  else if (marks.has(key)) marks.delete(key);
}
