import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SPLIT_RATIO,
  SPLIT_KEY_STEP,
  clampSplitRatio,
  parseStoredRatio,
  ratioAfterKey,
} from '../../client/lib/split.js';

const limits = { minStartPx: 300, minEndPx: 200 };

describe('clampSplitRatio', () => {
  it('keeps a ratio that leaves both panes their minimum', () => {
    expect(clampSplitRatio(0.5, 1000, limits)).toBe(0.5);
  });

  it('clamps to each pane minimum', () => {
    expect(clampSplitRatio(0.1, 1000, limits)).toBeCloseTo(0.3);
    expect(clampSplitRatio(0.95, 1000, limits)).toBeCloseTo(0.8);
    expect(clampSplitRatio(-3, 1000, limits)).toBeCloseTo(0.3);
  });

  it('shares proportionally when the container cannot fit both minimums', () => {
    expect(clampSplitRatio(0.9, 400, limits)).toBeCloseTo(300 / 500);
  });

  it('falls back to sane bounds before the container is measured, and for NaN', () => {
    expect(clampSplitRatio(0.99, 0, limits)).toBe(0.8);
    expect(clampSplitRatio(Number.NaN, 1000, limits)).toBe(DEFAULT_SPLIT_RATIO);
  });
});

describe('parseStoredRatio', () => {
  it('accepts a stored fraction and rejects anything else', () => {
    expect(parseStoredRatio('0.4200')).toBe(0.42);
    expect(parseStoredRatio(null)).toBe(DEFAULT_SPLIT_RATIO);
    expect(parseStoredRatio('abc')).toBe(DEFAULT_SPLIT_RATIO);
    expect(parseStoredRatio('1.5')).toBe(DEFAULT_SPLIT_RATIO);
    expect(parseStoredRatio('0')).toBe(DEFAULT_SPLIT_RATIO);
  });
});

describe('ratioAfterKey', () => {
  it('moves by a step, five steps with Shift, and to the ends with Home/End', () => {
    expect(ratioAfterKey(0.5, 'ArrowLeft', false)).toBeCloseTo(0.5 - SPLIT_KEY_STEP);
    expect(ratioAfterKey(0.5, 'ArrowRight', true)).toBeCloseTo(0.5 + 5 * SPLIT_KEY_STEP);
    expect(ratioAfterKey(0.5, 'Home', false)).toBe(0);
    expect(ratioAfterKey(0.5, 'End', false)).toBe(1);
    expect(ratioAfterKey(0.5, 'a', false)).toBeNull();
  });
});
