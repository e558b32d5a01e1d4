/** Q11: the pipeline bubble and the per-GPU memory of ZeRO-sharded mixed-precision Adam. */
import { defineChallenge, num, prose, record, type Tf } from '../_lib/define.js';

interface Plan {
  params: number;
  tensorParallel: number;
  pipelineParallel: number;
  dataParallel: number;
  microbatches: number;
  zeroStage: number;
}

const plan = (p: Plan) => [record(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, num(v)])))];

/** Bytes per parameter: bf16 weights, bf16 gradients, and fp32 master weights + Adam m + Adam v. */
const WEIGHT_BYTES = 2;
const GRADIENT_BYTES = 2;
const OPTIMIZER_BYTES = 12;

export default defineChallenge({
  id: 'parallelism-memory',
  title: 'Pipeline bubble and ZeRO memory per GPU',
  questionId: 'q11',
  functionName: 'trainingPlan',
  statement: prose`
    A back-of-the-envelope calculator for a 3-D parallel training run. The model has params
    parameters, split evenly over tensorParallel × pipelineParallel GPUs (one model replica), and the
    replica is repeated dataParallel times. Training uses mixed-precision Adam as in the ZeRO paper
    (Rajbhandari et al., 2020): per parameter, 2 bytes of bf16 weights, 2 bytes of bf16 gradients and
    12 bytes of optimizer state (fp32 master weights, momentum, variance). ZeRO shards these across
    the dataParallel replicas: stage 0 shards nothing, stage 1 shards the optimizer state, stage 2
    also the gradients, stage 3 also the weights. Ignore activations, buffers and fragmentation. The
    pipeline runs microbatches microbatches per step on a GPipe or 1F1B schedule with equal stage
    times; bubbleFraction is the fraction of the step's time a stage sits idle. Return { bubbleFraction,
    weightsGB, gradientsGB, optimizerGB, totalGB }, the memory of one GPU in gigabytes of 10⁹ bytes.`,
  starter: `export function trainingPlan(config: {
  params: number; // parameters of the whole model
  tensorParallel: number;
  pipelineParallel: number;
  dataParallel: number;
  microbatches: number; // per pipeline per step
  zeroStage: number; // 0, 1, 2 or 3
}): { bubbleFraction: number; weightsGB: number; gradientsGB: number; optimizerGB: number; totalGB: number } {
  // your code
}
`,
  tolerance: { abs: 1e-6, rel: 1e-5 },
  cases: [
    { name: '7B on 8 data-parallel GPUs, no ZeRO, no pipeline', make: () => plan({ params: 7e9, tensorParallel: 1, pipelineParallel: 1, dataParallel: 8, microbatches: 1, zeroStage: 0 }) },
    { name: '7B, ZeRO-1 over 8', make: () => plan({ params: 7e9, tensorParallel: 1, pipelineParallel: 1, dataParallel: 8, microbatches: 4, zeroStage: 1 }) },
    { name: '70B: TP 8, PP 4, DP 16, ZeRO-2, 32 microbatches', make: () => plan({ params: 70e9, tensorParallel: 8, pipelineParallel: 4, dataParallel: 16, microbatches: 32, zeroStage: 2 }) },
    { name: '175B: TP 8, PP 16, DP 8, ZeRO-3, 64 microbatches', make: () => plan({ params: 175e9, tensorParallel: 8, pipelineParallel: 16, dataParallel: 8, microbatches: 64, zeroStage: 3 }) },
    { name: 'few microbatches: a large bubble (PP 8, 4 microbatches)', make: () => plan({ params: 100e9, tensorParallel: 4, pipelineParallel: 8, dataParallel: 4, microbatches: 4, zeroStage: 1 }) },
    { name: '1.3B with ZeRO-3 over 64, no pipeline', make: () => plan({ params: 1.3e9, tensorParallel: 1, pipelineParallel: 1, dataParallel: 64, microbatches: 8, zeroStage: 3 }) },
  ],
  reference(_tf: Tf, config: Plan) {
    const { params, tensorParallel, pipelineParallel, dataParallel, microbatches, zeroStage } = config;
    const perReplicaGpu = params / (tensorParallel * pipelineParallel);
    const shard = (stage: number) => (zeroStage >= stage ? dataParallel : 1);
    const weightsGB = (WEIGHT_BYTES * perReplicaGpu) / shard(3) / 1e9;
    const gradientsGB = (GRADIENT_BYTES * perReplicaGpu) / shard(2) / 1e9;
    const optimizerGB = (OPTIMIZER_BYTES * perReplicaGpu) / shard(1) / 1e9;
    // p − 1 idle slots of fill and drain against m slots of work per stage.
    const bubbleFraction = (pipelineParallel - 1) / (microbatches + pipelineParallel - 1);
    return { bubbleFraction, weightsGB, gradientsGB, optimizerGB, totalGB: weightsGB + gradientsGB + optimizerGB };
  },
});
