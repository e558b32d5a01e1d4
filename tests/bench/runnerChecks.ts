/**
 * Only the runner bench's Check part (issue 13's goal: warm webgpu on a software adapter ≤ 10×
 * warm wasm), without the rest of the bench: one cold and N warm checks of the attention
 * challenge per backend, printed as JSON (per-case medians included) and as the bench's table.
 *
 *   npx tsx tests/bench/runnerChecks.ts [--backends webgpu,wasm] [--repeats 5]
 *
 * Needs a built client (`npm run build`) and Chromium, like the bench.
 */
import { parseArgs } from 'node:util';
import { formatRunnerMarkdown, runRunnerBench, type RunnerBenchOptions } from './runner.js';

const { values } = parseArgs({ options: { backends: { type: 'string', default: 'webgpu,wasm' }, repeats: { type: 'string', default: '5' } } });
const checksOnly = values.backends.split(',') as NonNullable<RunnerBenchOptions['checksOnly']>;
const result = await runRunnerBench({ checksOnly, checkRepeats: Number(values.repeats) });
console.log(JSON.stringify(result.checks, null, 1));
console.log(formatRunnerMarkdown(result));
