// sliding-window-kv-eviction: a float64 rolling cache passes every vector; evicting the sinks
// (slot = position mod W) and attending to empty slots fail.
import { describe, expect, it } from 'vitest';
import { dot, failures, judgePlain, softmax, type Matrix } from '../support/challengeHarness.js';

function rollingStep({ ignoreSinks = false, attendEmpty = false } = {}) {
  return (kCache: Matrix, vCache: Matrix, slotPositions: number[], q: number[], kNew: number[], vNew: number[], position: number, sinks: number) => {
    const slots = kCache.length;
    const slot = ignoreSinks ? position % slots : position < sinks ? position : sinks + ((position - sinks) % (slots - sinks));
    const keys = kCache.map((row, s) => (s === slot ? [...kNew] : row));
    const values = vCache.map((row, s) => (s === slot ? [...vNew] : row));
    const positions = slotPositions.map((p, s) => (s === slot ? position : p));
    const live = positions.map((p, s) => (attendEmpty || p >= 0 ? s : -1)).filter((s) => s >= 0);
    const w = softmax(live.map((s) => dot(q, keys[s]!) / Math.sqrt(q.length)));
    const output = q.map((_, c) => live.reduce((acc, s, n) => acc + w[n]! * values[s]![c]!, 0));
    return { kCache: keys, vCache: values, slotPositions: positions, output };
  };
}

describe('sliding-window-kv-eviction', () => {
  it('accepts a float64 rolling cache on every case', async () => {
    expect(failures(await judgePlain('sliding-window-kv-eviction', rollingStep()))).toEqual([]);
  });

  it('fails a cache that evicts the sinks', async () => {
    expect(failures(await judgePlain('sliding-window-kv-eviction', rollingStep({ ignoreSinks: true })))).toContain('case: two sinks survive while the rest rolls');
  });

  it('fails attention over empty slots', async () => {
    expect(failures(await judgePlain('sliding-window-kv-eviction', rollingStep({ attendEmpty: true })))).toContain('case: cache not yet full: empty slots are ignored');
  });
});
