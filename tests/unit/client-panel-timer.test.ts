import { describe, expect, it } from 'vitest';
import { offsetFromDateHeader } from '../../client/lib/serverClock.js';
import { formatClock, msUntilNextSecond, readTimer } from '../../client/question/timer.js';

describe('formatClock', () => {
  it('formats mm:ss, and h:mm:ss past an hour', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(999)).toBe('00:00');
    expect(formatClock(75_000)).toBe('01:15');
    expect(formatClock(59 * 60_000 + 59_999)).toBe('59:59');
    expect(formatClock(3_600_000)).toBe('1:00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });

  it('reads negative (skewed clock) and non-finite values as zero', () => {
    expect(formatClock(-5_000)).toBe('00:00');
    expect(formatClock(Number.NaN)).toBe('00:00');
  });
});

describe('readTimer', () => {
  const start = 1_700_000_000_000;

  it('labels elapsed time against the suggestion', () => {
    const t = readTimer(start, 15, start + 7 * 60_000 + 32_000);
    expect(t.label).toBe('07:32 / 15 min');
    expect(t.over).toBe(false);
    expect(t.spoken).toBe('7 minutes 32 seconds of 15 suggested');
  });

  it('is over only once past the suggested minutes', () => {
    expect(readTimer(start, 15, start + 15 * 60_000).over).toBe(false);
    expect(readTimer(start, 15, start + 15 * 60_000 + 1_000).over).toBe(true);
    expect(readTimer(start, 15, start + 16 * 60_000).label).toBe('16:00 / 15 min');
  });

  it('never counts backwards when the local clock is behind the server', () => {
    const t = readTimer(start, 10, start - 30_000);
    expect(t.elapsedMs).toBe(0);
    expect(t.label).toBe('00:00 / 10 min');
  });

  it('ticks on the second boundary of the elapsed time', () => {
    expect(msUntilNextSecond(start, start + 250)).toBe(750);
    expect(msUntilNextSecond(start, start + 1_000)).toBe(1_000);
    expect(msUntilNextSecond(start, start - 10)).toBe(1_000);
  });
});

describe('offsetFromDateHeader', () => {
  const at = Date.parse('2026-03-04T10:00:00.000Z');

  it('ignores a missing or unreadable header', () => {
    expect(offsetFromDateHeader(null, at, at + 50)).toBeNull();
    expect(offsetFromDateHeader('yesterday-ish', at, at + 50)).toBeNull();
  });

  it('treats differences within the header resolution and round trip as zero', () => {
    expect(offsetFromDateHeader(new Date(at).toUTCString(), at, at + 40)).toBe(0);
    expect(offsetFromDateHeader(new Date(at - 1_000).toUTCString(), at, at + 40)).toBe(0);
  });

  it('measures a real skew (server two minutes ahead)', () => {
    const offset = offsetFromDateHeader(new Date(at + 120_000).toUTCString(), at, at + 40)!;
    expect(offset).toBeGreaterThan(119_000);
    expect(offset).toBeLessThan(121_000);
  });
});
