// parallelism-memory: a float64 calculator passes every vector; the bubble as (p − 1)/m (bubble
// over compute, not over the step) and ZeRO-2 that also shards the weights fail.
import { describe, expect, it } from 'vitest';
import { failures, judgePlain } from '../support/challengeHarness.js';

interface Config {
  params: number;
  tensorParallel: number;
  pipelineParallel: number;
  dataParallel: number;
  microbatches: number;
  zeroStage: number;
}

function calculator({ bubbleOverCompute = false, stage2ShardsWeights = false } = {}) {
  return (c: Config) => {
    const perGpu = c.params / (c.tensorParallel * c.pipelineParallel);
    const dp = c.dataParallel;
    const weightsGB = (2 * perGpu) / (c.zeroStage >= 3 || (stage2ShardsWeights && c.zeroStage >= 2) ? dp : 1) / 1e9;
    const gradientsGB = (2 * perGpu) / (c.zeroStage >= 2 ? dp : 1) / 1e9;
    const optimizerGB = (12 * perGpu) / (c.zeroStage >= 1 ? dp : 1) / 1e9;
    const p = c.pipelineParallel;
    const bubbleFraction = bubbleOverCompute ? (p - 1) / c.microbatches : (p - 1) / (c.microbatches + p - 1);
    return { bubbleFraction, weightsGB, gradientsGB, optimizerGB, totalGB: weightsGB + gradientsGB + optimizerGB };
  };
}

describe('parallelism-memory', () => {
  it('accepts a float64 calculator on every case', async () => {
    expect(failures(await judgePlain('parallelism-memory', calculator()))).toEqual([]);
  });

  it('fails the bubble as (p − 1)/m', async () => {
    expect(failures(await judgePlain('parallelism-memory', calculator({ bubbleOverCompute: true })))).toContain('case: few microbatches: a large bubble (PP 8, 4 microbatches)');
  });

  it('fails ZeRO-2 that also shards the weights', async () => {
    expect(failures(await judgePlain('parallelism-memory', calculator({ stage2ShardsWeights: true })))).toEqual(['case: 70B: TP 8, PP 4, DP 16, ZeRO-2, 32 microbatches']);
  });
});
