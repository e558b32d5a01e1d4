import { describe, expect, it } from 'vitest';
import { MAX_CONSOLE_LINES, MAX_OUTPUT_CHARS, OutputBuffer, TRUNCATION_MARK, clip } from '../../client/runner/output.js';

describe('OutputBuffer', () => {
  it('keeps lines under the caps untouched', () => {
    const out = new OutputBuffer();
    out.push('log', 'a');
    out.push('warn', 'b');
    expect(out.lines).toEqual([
      { level: 'log', text: 'a' },
      { level: 'warn', text: 'b' },
    ]);
    expect(out.truncated).toBe(false);
  });

  it('stops at the line cap with one marker line', () => {
    const out = new OutputBuffer(MAX_OUTPUT_CHARS, 5);
    for (let i = 0; i < 20; i++) out.push('log', String(i));
    expect(out.lines).toHaveLength(6);
    expect(out.lines.slice(0, 5).map((l) => l.text)).toEqual(['0', '1', '2', '3', '4']);
    expect(out.lines[5]).toMatchObject({ level: 'warn' });
    expect(out.lines[5]!.text).toMatch(/^… output truncated: a run keeps at most 5 console lines/);
    expect(out.truncated).toBe(true);
    expect(out.push('log', 'more')).toBeNull();
  });

  it('cuts the line that crosses the size cap, marks it, and keeps nothing after', () => {
    const out = new OutputBuffer(100, MAX_CONSOLE_LINES);
    out.push('log', 'x'.repeat(60));
    const cut = out.push('log', 'y'.repeat(60));
    expect(cut!.text).toHaveLength(40);
    expect(cut!.text.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(out.truncated).toBe(true);
    expect(out.lines.at(-1)!.text).toMatch(/output truncated/);
    const total = out.lines.slice(0, 2).reduce((n, l) => n + l.text.length, 0);
    expect(total).toBeLessThanOrEqual(100);
  });

  it('holds the default caps against a flood', () => {
    const out = new OutputBuffer();
    for (let i = 0; i < 5000; i++) out.push('log', 'line '.repeat(10));
    expect(out.lines.length).toBeLessThanOrEqual(MAX_CONSOLE_LINES + 1);
    expect(out.lines.reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200);
  });

  it('fits the returned value in what the console left, never below a short preview', () => {
    const out = new OutputBuffer(1000, MAX_CONSOLE_LINES);
    out.push('log', 'z'.repeat(900));
    const value = out.fitValue('v'.repeat(5000));
    expect(value.length).toBe(256);
    expect(value.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(out.truncated).toBe(true);
    expect(new OutputBuffer().fitValue('short')).toBe('short');
  });

  it('clip marks a cut and leaves short text alone', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});
