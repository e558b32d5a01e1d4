import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { readProcCounters } from '../bench/serverProcess.js';

describe('readProcCounters', () => {
  it("splits a process's CPU into its main thread's and the rest: a busy worker thread counts only in the rest", async () => {
    const before = readProcCounters(process.pid)!;
    // a second thread spins for 400 ms while this one waits
    const worker = new Worker('const end = Date.now() + 400; while (Date.now() < end) {} require("node:worker_threads").parentPort.postMessage("done");', { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const after = readProcCounters(process.pid)!;
    await worker.terminate();
    const all = after.cpuSeconds - before.cpuSeconds;
    const main = after.mainThreadCpuSeconds - before.mainThreadCpuSeconds;
    expect(main).toBeGreaterThanOrEqual(0);
    expect(main).toBeLessThanOrEqual(all);
    // the spin (clock ticks are 10 ms) is in the process's total but not in its main thread's
    expect(all - main).toBeGreaterThanOrEqual(0.3);
  });
});
