import { describe, expect, it } from 'vitest';
import { formatOffset, parseOffset } from '../../client/replay/time.js';

describe('replay deep-link times', () => {
  it('formats mm:ss, and h:mm:ss from an hour on', () => {
    expect(formatOffset(0)).toBe('00:00');
    expect(formatOffset(-5)).toBe('00:00');
    expect(formatOffset(754_999)).toBe('12:34');
    expect(formatOffset(3_723_000)).toBe('1:02:03');
  });

  it('parses mm:ss, h:mm:ss, plain seconds and fractions; refuses the rest', () => {
    expect(parseOffset('12:34')).toBe(754_000);
    expect(parseOffset('1:02:03')).toBe(3_723_000);
    expect(parseOffset('75')).toBe(75_000);
    expect(parseOffset('0:12.5')).toBe(12_500);
    expect(parseOffset(' 90:00 ')).toBe(5_400_000);
    for (const bad of [null, '', 'abc', '1:60', '1:60:00', '-3', '1::2', '12:34:56:78']) expect(parseOffset(bad)).toBeNull();
    for (const ms of [0, 1000, 754_000, 3_723_000]) expect(parseOffset(formatOffset(ms))).toBe(ms);
  });
});
