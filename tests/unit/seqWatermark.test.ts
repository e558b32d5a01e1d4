import { describe, expect, it } from 'vitest';
import { SeqWatermark } from '../../server/sync/seqWatermark.js';

describe('SeqWatermark (which store seqs a live doc holds)', () => {
  it('moves one by one while seqs arrive in order', () => {
    const w = new SeqWatermark();
    for (const seq of [1, 2, 3]) w.mark(seq);
    expect(w.seq).toBe(3);
    expect(w.hasGap).toBe(false);
  });

  it('holds a seq past a hole above the watermark, and moves through all of them once the hole closes', () => {
    const w = new SeqWatermark(4);
    w.mark(7);
    w.mark(6);
    expect(w.seq).toBe(4);
    expect(w.hasGap).toBe(true);
    expect(w.aheadCount).toBe(2);
    expect(w.has(6)).toBe(true);
    expect(w.has(5)).toBe(false);
    w.mark(5);
    expect(w.seq).toBe(7);
    expect(w.hasGap).toBe(false);
    expect(w.aheadCount).toBe(0);
  });

  it('ignores a seq it already holds, below the watermark or above the gap', () => {
    const w = new SeqWatermark(10);
    w.mark(3);
    w.mark(12);
    w.mark(12);
    expect(w.seq).toBe(10);
    expect(w.aheadCount).toBe(1);
    expect(w.has(3)).toBe(true);
  });

  it('stops at the next hole when a closed gap reveals another', () => {
    const w = new SeqWatermark();
    w.mark(2);
    w.mark(4);
    w.mark(1);
    expect(w.seq).toBe(2);
    expect(w.hasGap).toBe(true);
    w.mark(3);
    expect(w.seq).toBe(4);
    expect(w.hasGap).toBe(false);
  });

  it('reset forgets the gap (the doc was rebuilt from the store)', () => {
    const w = new SeqWatermark(1);
    w.mark(5);
    w.reset(8);
    expect(w.seq).toBe(8);
    expect(w.hasGap).toBe(false);
    expect(w.has(8)).toBe(true);
    expect(w.has(9)).toBe(false);
  });
});
