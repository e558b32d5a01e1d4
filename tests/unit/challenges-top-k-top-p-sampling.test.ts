// top-k-top-p-sampling: a float64 sampler passes every vector; top-p that drops the boundary token,
// ties broken by the larger id, and top-p measured before top-k's renormalisation all fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain, softmax } from '../support/challengeHarness.js';

interface Options {
  dropBoundary?: boolean;
  largerIdFirst?: boolean;
  topPOnRawProbs?: boolean;
}

function sampler({ dropBoundary = false, largerIdFirst = false, topPOnRawProbs = false }: Options = {}) {
  return (logits: number[], temperature: number, topK: number, topP: number, u: number) => {
    const probs = softmax(logits.map((x) => x / temperature));
    const order = probs.map((p, id) => ({ id, p })).sort((a, b) => b.p - a.p || (largerIdFirst ? b.id - a.id : a.id - b.id));
    const afterK = topK > 0 ? order.slice(0, topK) : order;
    const totalK = topPOnRawProbs ? 1 : afterK.reduce((s, t) => s + t.p, 0);
    const kept: { id: number; p: number }[] = [];
    let running = 0;
    for (const t of afterK) {
      running += t.p / totalK;
      if (dropBoundary && running > topP && kept.length > 0) break;
      kept.push(t);
      if (!dropBoundary && running >= topP) break;
    }
    const total = kept.reduce((s, t) => s + t.p, 0);
    let cumulative = 0;
    const token = kept.find((t) => u < (cumulative += t.p / total)) ?? kept[kept.length - 1]!;
    return { token: token.id, kept: kept.map((t) => t.id) };
  };
}

describe('top-k-top-p-sampling', () => {
  it('accepts a float64 sampler on every case', async () => {
    expect(failures(await judgePlain('top-k-top-p-sampling', sampler()))).toEqual([]);
  });

  it('fails top-p that excludes the token crossing the threshold', async () => {
    expect(failures(await judgePlain('top-k-top-p-sampling', sampler({ dropBoundary: true })))).toContain('case: top-p 0.9 with no top-k, V 10');
  });

  it('fails ties broken by the larger id', async () => {
    expect(failures(await judgePlain('top-k-top-p-sampling', sampler({ largerIdFirst: true })))).toContain('case: tied logits: the smaller id ranks first');
  });

  it('fails top-p measured on the probabilities before top-k renormalised them', async () => {
    const failed = failures(await judgePlain('top-k-top-p-sampling', sampler({ topPOnRawProbs: true })));
    expect(failed.length).toBeGreaterThan(0);
  });
});
