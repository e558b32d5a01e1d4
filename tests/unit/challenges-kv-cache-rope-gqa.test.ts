// kv-cache-rope-gqa: a float64 decode step passes every vector; RoPE with the interleaved pairing
// (2i, 2i+1) instead of the half split, and query heads mapped to KV heads round-robin, both fail.
import { describe, expect, it } from 'vitest';
import { dot, failures, judgePlain, softmax, type Matrix } from '../support/challengeHarness.js';

interface Options {
  interleaved?: boolean;
  roundRobin?: boolean;
}

function decodeStep({ interleaved = false, roundRobin = false }: Options = {}) {
  return (q: Matrix, kNew: Matrix, vNew: Matrix, kCache: Matrix[], vCache: Matrix[], position: number, base: number) => {
    const d = q[0]!.length;
    const half = d / 2;
    const rotate = (x: number[]) => {
      const out = [...x];
      for (let i = 0; i < half; i++) {
        const theta = position * Math.pow(base, (-2 * i) / d);
        const [a, b] = interleaved ? [2 * i, 2 * i + 1] : [i, i + half];
        out[a] = x[a]! * Math.cos(theta) - x[b]! * Math.sin(theta);
        out[b] = x[a]! * Math.sin(theta) + x[b]! * Math.cos(theta);
      }
      return out;
    };
    const keys = kCache.map((head, h) => [...head, rotate(kNew[h]!)]);
    const values = vCache.map((head, h) => [...head, vNew[h]!]);
    const kvHeads = kNew.length;
    const output = q.map((qh, h) => {
      const g = roundRobin ? h % kvHeads : Math.floor((h * kvHeads) / q.length);
      const rq = rotate(qh);
      const w = softmax(keys[g]!.map((k) => dot(rq, k) / Math.sqrt(d)));
      return Array.from({ length: d }, (_, c) => w.reduce((s, wj, j) => s + wj * values[g]![j]![c]!, 0));
    });
    return { output, kCache: keys, vCache: values };
  };
}

describe('kv-cache-rope-gqa', () => {
  it('accepts a float64 decode step on every case', async () => {
    expect(failures(await judgePlain('kv-cache-rope-gqa', decodeStep()))).toEqual([]);
  });

  it('fails RoPE with the interleaved pairing', async () => {
    const failed = failures(await judgePlain('kv-cache-rope-gqa', decodeStep({ interleaved: true })));
    expect(failed).toContain('case: GQA: 4 query heads share 2 KV heads, 5 cached, d 8');
    // At position 0 every angle is 0, so the pairing cannot matter there.
    expect(failed).not.toContain('case: empty cache: the first token attends only to itself');
  });

  it('fails query heads mapped to KV heads round-robin', async () => {
    expect(failures(await judgePlain('kv-cache-rope-gqa', decodeStep({ roundRobin: true })))).toContain('case: GQA: 4 query heads share 2 KV heads, 5 cached, d 8');
  });
});
