import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { readProcCounters, readThreadPolicies, realtimeUnavailable, ServerProcess } from '../bench/serverProcess.js';

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

describe('ServerProcess priority', () => {
  const noRealtime = realtimeUnavailable();
  if (noRealtime && process.env.CI !== 'true') {
    console.warn(`\n!!! SKIPPING the real-time priority test: ${noRealtime}\n`);
  }
  const start = (priority: 'normal' | 'realtime') =>
    ServerProcess.start({ name: 'reference', script: 'tests/bench/reference-server.ts', env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, readyTimeoutMs: 30_000, priority });

  it.skipIf(noRealtime !== undefined && process.env.CI !== 'true')(
    "'realtime' runs the server itself (same pid) with its threads at SCHED_FIFO 1 and its main thread at 2; 'normal' leaves them all normal",
    async () => {
      const fifo = await start('realtime');
      const plain = await start('normal');
      try {
        const fifoPolicies = readThreadPolicies(fifo.pid)!;
        // node's main thread, V8's helpers and libuv's: chrt replaced itself with node, so the pid is the server's
        expect(fifoPolicies.size).toBeGreaterThan(3);
        // the event loop above the threads it started
        expect(fifoPolicies.get(fifo.pid)).toBe('fifo 2');
        fifoPolicies.delete(fifo.pid);
        expect(new Set(fifoPolicies.values())).toEqual(new Set(['fifo 1']));
        expect(new Set(readThreadPolicies(plain.pid)!.values())).toEqual(new Set(['normal']));
        // and it is the server that answers on the port it printed
        expect((await fetch(fifo.httpUrl)).status).toBeLessThan(500);
      } finally {
        await fifo.stop();
        await plain.stop();
      }
      expect(readThreadPolicies(fifo.pid)).toBeUndefined();
    },
    60_000,
  );
});
