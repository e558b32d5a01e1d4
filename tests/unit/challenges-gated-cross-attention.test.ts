// gated-cross-attention: a float64 implementation passes every vector and padding invariance;
// ignoring the mask (attending to junk padding) and a gate of alpha instead of tanh(alpha) fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain, matmul, softmax, transpose, type Matrix } from '../support/challengeHarness.js';

function fusion({ ignoreMask = false, rawGate = false } = {}) {
  return (text: Matrix, media: Matrix, mask: number[], wq: Matrix, wk: Matrix, wv: Matrix, wo: Matrix, alpha: number) => {
    const dim = text[0]!.length;
    const q = matmul(text, wq);
    const k = matmul(media, wk);
    const v = matmul(media, wv);
    const real = mask.map((m, j) => (ignoreMask || m === 1 ? j : -1)).filter((j) => j >= 0);
    const gate = rawGate ? alpha : Math.tanh(alpha);
    const scores = matmul(q, transpose(k));
    return text.map((row, t) => {
      if (real.length === 0) return row;
      const w = softmax(real.map((j) => scores[t]![j]! / Math.sqrt(dim)));
      const attended = v[0]!.map((_, c) => real.reduce((s, j, n) => s + w[n]! * v[j]![c]!, 0));
      const projected = matmul([attended], wo)[0]!;
      return row.map((x, c) => x + gate * projected[c]!);
    });
  };
}

describe('gated-cross-attention', () => {
  it('accepts a float64 implementation on every case and the padding property', async () => {
    const result = await judgePlain('gated-cross-attention', fusion());
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.name)).toEqual(['padding invariance']);
  });

  it('fails attention over padded visual tokens, on the vectors and on the property', async () => {
    const failed = failures(await judgePlain('gated-cross-attention', fusion({ ignoreMask: true })));
    expect(failed).toContain('case: two padded visual tokens hold junk');
    expect(failed).toContain('property: padding invariance');
  });

  it('fails a gate of alpha instead of tanh(alpha)', async () => {
    expect(failures(await judgePlain('gated-cross-attention', fusion({ rawGate: true })))).toContain('case: 3 text tokens, 4 visual tokens, D 8');
  });
});
