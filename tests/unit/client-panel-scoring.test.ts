import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { askedKey, panelAsked, panelNotes, panelScores, readPanelScores, scoreKey } from '../../shared/doc.js';
import { LARGE_PASTE_CHARS } from '../../shared/api.js';
import { isRaterId, newRaterId } from '../../client/panel/raterId.js';
import { raterList, totalsQuestionIds } from '../../client/panel/raters.js';
import {
  isAsked,
  moveRow,
  readNote,
  readScore,
  scoreKeyAction,
  setAsked,
  setScore,
  toggledScore,
  writeNote,
} from '../../client/panel/scoring.js';
import {
  clampPanelWidth,
  initiallyCollapsed,
  parseStoredWidth,
  PANEL_MAX_WIDTH_PX,
  PANEL_MIN_WIDTH_PX,
  PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX,
} from '../../client/panel/layout.js';
import { pasteSignal, visibilitySignal } from '../../client/room/candidateSignals.js';
import {
  formatAlpha,
  formatCoverage,
  formatNumber,
  formatOverallCoverage,
  formatScore,
  formatSpread,
  scorecardFilename,
  signalLabel,
} from '../../client/lib/scoreFormat.js';
import { parseRoute } from '../../client/lib/route.js';

describe('rubric keys', () => {
  it('maps 1-5 to scores, 0/Backspace/Delete to clear, arrows to moves', () => {
    expect(scoreKeyAction('1')).toEqual({ kind: 'score', score: 1 });
    expect(scoreKeyAction('5')).toEqual({ kind: 'score', score: 5 });
    expect(scoreKeyAction('0')).toEqual({ kind: 'clear' });
    expect(scoreKeyAction('Backspace')).toEqual({ kind: 'clear' });
    expect(scoreKeyAction('Delete')).toEqual({ kind: 'clear' });
    expect(scoreKeyAction('ArrowUp')).toEqual({ kind: 'move', delta: -1 });
    expect(scoreKeyAction('ArrowDown')).toEqual({ kind: 'move', delta: 1 });
    expect(scoreKeyAction('Home')).toEqual({ kind: 'move', delta: 'first' });
    for (const key of ['6', '9', 'a', 'Enter', ' ', '?', 'r', '12']) expect(scoreKeyAction(key), key).toBeNull();
  });

  it('moveRow clamps to the grid', () => {
    expect(moveRow(0, -1, 16)).toBe(0);
    expect(moveRow(15, 1, 16)).toBe(15);
    expect(moveRow(3, 1, 16)).toBe(4);
    expect(moveRow(7, 'first', 16)).toBe(0);
    expect(moveRow(7, 'last', 16)).toBe(15);
  });

  it('clicking the pressed score clears it', () => {
    expect(toggledScore(3, 3)).toBeNull();
    expect(toggledScore(3, 4)).toBe(4);
    expect(toggledScore(null, 2)).toBe(2);
  });
});

describe('panel doc writes', () => {
  it('scores are set under the shared key and cleared by deleting it, never by null or 0', () => {
    const doc = new Y.Doc();
    setScore(doc, 'rater-aaaa', 'q1', 'edge-cases', 4);
    expect(panelScores(doc).get(scoreKey('rater-aaaa', 'q1', 'edge-cases'))).toBe(4);
    expect(readScore(doc, 'rater-aaaa', 'q1', 'edge-cases')).toBe(4);
    expect(readPanelScores(doc)).toEqual({ 'rater-aaaa': { q1: { 'edge-cases': 4 } } });
    setScore(doc, 'rater-aaaa', 'q1', 'edge-cases', null);
    expect(panelScores(doc).has(scoreKey('rater-aaaa', 'q1', 'edge-cases'))).toBe(false);
    expect(panelScores(doc).size).toBe(0);
    expect(readScore(doc, 'rater-aaaa', 'q1', 'edge-cases')).toBeNull();
  });

  it('does not write when nothing changes (no empty updates on a repeated key press)', () => {
    const doc = new Y.Doc();
    setScore(doc, 'r1234567', 'q1', 'scalability', 2);
    let updates = 0;
    doc.on('update', () => updates++);
    setScore(doc, 'r1234567', 'q1', 'scalability', 2);
    setScore(doc, 'r1234567', 'q1', 'edge-cases', null);
    writeNote(doc, 'r1234567', 'q1', '');
    expect(updates).toBe(0);
  });

  it('notes: written per rater and question, deleted when emptied', () => {
    const doc = new Y.Doc();
    writeNote(doc, 'r1234567', 'q1', 'good');
    writeNote(doc, 'r7654321', 'q1', 'meh');
    expect(readNote(doc, 'r1234567', 'q1')).toBe('good');
    expect(readNote(doc, 'r7654321', 'q1')).toBe('meh');
    writeNote(doc, 'r1234567', 'q1', '');
    expect(panelNotes(doc).size).toBe(1);
    expect(readNote(doc, 'r1234567', 'q1')).toBe('');
  });

  it('asked marks are shared by the panel and remember who ticked them', () => {
    const doc = new Y.Doc();
    setAsked(doc, 'r1234567', 'q1', 'probing', 2, true, 123);
    expect(isAsked(doc, 'q1', 'probing', 2)).toBe(true);
    expect(panelAsked(doc).get(askedKey('q1', 'probing', 2))).toEqual({ raterId: 'r1234567', at: 123 });
    setAsked(doc, 'r7654321', 'q1', 'probing', 2, false, 456);
    expect(isAsked(doc, 'q1', 'probing', 2)).toBe(false);
  });
});

describe('raters', () => {
  it('rater ids are key-safe and random', () => {
    const id = newRaterId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(newRaterId()).not.toBe(id);
    expect(newRaterId((bytes) => bytes.fill(255))).toBe('f'.repeat(32));
    expect(isRaterId(id)).toBe(true);
    for (const bad of ['', 'short', 'has/slash-1234', 'x'.repeat(65), null, 42]) expect(isRaterId(bad), String(bad)).toBe(false);
  });

  it('lists registered raters by arrival, plus unregistered ones that have scores', () => {
    const list = raterList(
      [
        ['b', { name: 'Bob', joinedAt: 20 }],
        ['a', { name: 'Ada', joinedAt: 10 }],
      ],
      ['a', 'zzzz9999'],
    );
    expect(list.map((r) => r.name)).toEqual(['Ada', 'Bob', 'Interviewer zzzz']);
  });

  it('totals cover the plan, then anything scored outside it, known ids only', () => {
    const panel = { r1: { q9: { 'edge-cases': 3 as const }, q1: {}, gone: { 'edge-cases': 1 as const } }, r2: { q5: {} } };
    expect(totalsQuestionIds(['q1', 'q2'], panel, (id) => id !== 'gone')).toEqual(['q1', 'q2', 'q5', 'q9']);
    expect(totalsQuestionIds(['q1', 'gone'], {}, (id) => id !== 'gone')).toEqual(['q1']);
  });
});

describe('formatting', () => {
  it('shows a dash, never a zero, for missing values', () => {
    expect(formatScore(null)).toBe('—');
    expect(formatScore(undefined)).toBe('—');
    expect(formatScore(0)).toBe('0');
    expect(formatScore(72.5)).toBe('73');
    expect(formatSpread(null, null)).toBe('—');
    expect(formatSpread(8.49, 12)).toBe('sd 8.5 · range 12');
    expect(formatNumber(null, 1)).toBe('—');
    expect(formatNumber(3.14159, 1)).toBe('3.1');
    expect(formatAlpha(null)).toBe('—');
    expect(formatAlpha(0.4123)).toBe('0.41');
    expect(formatAlpha(-0.25)).toBe('\u22120.25');
    expect(formatAlpha(-0.001)).toBe('0.00');
  });

  it('describes coverage as items and share of weight', () => {
    expect(formatCoverage(7, 16, 0.55)).toBe('7/16 · 55% of weight');
    expect(formatOverallCoverage(1, 3, 0.183)).toBe('1/3 questions · 18% of weight');
    expect(formatOverallCoverage(0, 1, 0)).toBe('0/1 question · 0% of weight');
  });

  it('labels signals in plain words', () => {
    expect(signalLabel({ kind: 'paste', chars: 1234 })).toBe('Pasted 1,234 characters');
    expect(signalLabel({ kind: 'hidden' })).toBe('Left the interview tab');
    expect(signalLabel({ kind: 'visible' })).toBe('Came back to the interview tab');
  });

  it('builds a safe, dated scorecard file name', () => {
    const day = new Date(2026, 2, 4);
    expect(scorecardFilename('Attention mechanisms, senior ML engineer', 'room1234', 'md', day)).toBe(
      'attn-scorecard-attention-mechanisms-senior-ml-engineer-2026-03-04.md',
    );
    expect(scorecardFilename('../../etc/passwd', 'room1234', 'json', day)).toBe('attn-scorecard-etc-passwd-2026-03-04.json');
    expect(scorecardFilename('Édouard: «RLHF»', 'room1234', 'md', day)).toBe('attn-scorecard-edouard-rlhf-2026-03-04.md');
    expect(scorecardFilename('   ', 'room1234', 'md', day)).toBe('attn-scorecard-room1234-2026-03-04.md');
  });
});

describe('panel layout', () => {
  it('clamps the width to the limits and leaves the board its room', () => {
    expect(clampPanelWidth(100, 1920)).toBe(PANEL_MIN_WIDTH_PX);
    expect(clampPanelWidth(5000, 2560)).toBe(PANEL_MAX_WIDTH_PX);
    expect(clampPanelWidth(600, 1280)).toBe(1280 - 760);
    expect(clampPanelWidth(500, 1280)).toBe(500);
    expect(clampPanelWidth(500, 900)).toBe(PANEL_MIN_WIDTH_PX);
    expect(clampPanelWidth(Number.NaN, 1280)).toBe(360);
    expect(parseStoredWidth(null)).toBe(360);
    expect(parseStoredWidth('abc')).toBe(360);
    expect(parseStoredWidth('420')).toBe(420);
  });

  it('starts folded only where an open panel would squeeze the canvas, and remembers a choice', () => {
    expect(PANEL_OPEN_BY_DEFAULT_MIN_WINDOW_PX).toBeGreaterThan(1280);
    expect(initiallyCollapsed(null, 1280)).toBe(true);
    expect(initiallyCollapsed(null, 1920)).toBe(false);
    expect(initiallyCollapsed('0', 1280)).toBe(false);
    expect(initiallyCollapsed('1', 1920)).toBe(true);
  });
});

describe('candidate signals', () => {
  it('reports pastes from LARGE_PASTE_CHARS characters on, counting code points', () => {
    expect(pasteSignal('x'.repeat(LARGE_PASTE_CHARS - 1))).toBeNull();
    expect(pasteSignal('x'.repeat(LARGE_PASTE_CHARS))).toEqual({ kind: 'paste', chars: LARGE_PASTE_CHARS });
    // 199 emoji are 398 UTF-16 units but 199 characters
    expect(pasteSignal('🙂'.repeat(LARGE_PASTE_CHARS - 1))).toBeNull();
    expect(pasteSignal('')).toBeNull();
  });

  it('reports each visibility change once, and "visible" only after "hidden"', () => {
    expect(visibilitySignal('visible', null)).toBeNull();
    expect(visibilitySignal('hidden', null)).toEqual({ kind: 'hidden' });
    expect(visibilitySignal('hidden', 'hidden')).toBeNull();
    expect(visibilitySignal('visible', 'hidden')).toEqual({ kind: 'visible' });
    expect(visibilitySignal('visible', 'visible')).toBeNull();
  });
});

describe('scorecard route', () => {
  it('maps /r/<room>/scorecard to the printable scorecard', () => {
    expect(parseRoute('/r/abcDEF12_-/scorecard')).toEqual({ kind: 'scorecard', roomId: 'abcDEF12_-' });
    expect(parseRoute('/r/abcDEF12/scorecard/')).toEqual({ kind: 'scorecard', roomId: 'abcDEF12' });
    expect(parseRoute('/r/short/scorecard')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/r/abcDEF12/scorecards')).toEqual({ kind: 'notFound' });
    expect(parseRoute('/r/abcDEF12')).toEqual({ kind: 'room', roomId: 'abcDEF12' });
  });
});
