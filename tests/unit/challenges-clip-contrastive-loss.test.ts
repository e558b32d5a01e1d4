// clip-contrastive-loss: a float64 symmetric InfoNCE passes every vector and the batch-permutation
// property; only one direction of the loss, or logits not normalised, or logScale used as the
// multiplier itself, fail.
import { describe, expect, it } from 'vitest';
import { dot, failures, judgePlain, logSumExp, mean, transpose, type Matrix } from '../support/challengeHarness.js';

interface Options {
  oneWay?: boolean;
  unnormalised?: boolean;
  rawScale?: boolean;
}

function clipLoss({ oneWay = false, unnormalised = false, rawScale = false }: Options = {}) {
  return (images: Matrix, texts: Matrix, logScale: number) => {
    const unit = (row: number[]) => (unnormalised ? row : row.map((x) => x / Math.sqrt(dot(row, row))));
    const scale = rawScale ? logScale : Math.exp(logScale);
    const logits = images.map((i) => texts.map((t) => scale * dot(unit(i), unit(t))));
    const ce = (m: Matrix) => mean(m.map((row, i) => logSumExp(row) - row[i]!));
    return { loss: oneWay ? ce(logits) : (ce(logits) + ce(transpose(logits))) / 2, logits };
  };
}

describe('clip-contrastive-loss', () => {
  it('accepts a float64 implementation on every case and the property', async () => {
    const result = await judgePlain('clip-contrastive-loss', clipLoss());
    expect(failures(result)).toEqual([]);
    expect(result.properties.map((p) => p.name)).toEqual(['batch-permutation equivariance']);
  });

  it('fails the image→text direction alone', async () => {
    expect(failures(await judgePlain('clip-contrastive-loss', clipLoss({ oneWay: true }))).length).toBeGreaterThanOrEqual(4);
  });

  it('fails embeddings that are not normalised', async () => {
    expect(failures(await judgePlain('clip-contrastive-loss', clipLoss({ unnormalised: true }))).length).toBeGreaterThanOrEqual(4);
  });

  it('fails logScale used as the multiplier instead of exp(logScale)', async () => {
    expect(failures(await judgePlain('clip-contrastive-loss', clipLoss({ rawScale: true })))).toContain('case: 6 pairs, CLIP’s initial scale 1/0.07');
  });
});
