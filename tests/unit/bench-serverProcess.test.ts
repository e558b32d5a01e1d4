import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { liftRtThrottling, readProcCounters, readThreadPolicies, realtimeUnavailable, REPO_ROOT, RT_RUNTIME_FILE, ServerProcess } from '../bench/serverProcess.js';

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

describe('liftRtThrottling', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** A stand-in for /proc/sys/kernel/sched_rt_runtime_us holding `value`. */
  const budgetFile = (value: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-rt-'));
    dirs.push(dir);
    const file = path.join(dir, 'sched_rt_runtime_us');
    writeFileSync(file, `${value}\n`);
    return file;
  };

  it('sets the budget to -1 until restore() puts the old one back, once', () => {
    const file = budgetFile('950000');
    const throttling = liftRtThrottling(file);
    expect(throttling).toMatchObject({ state: 'lifted', previous: '950000' });
    expect(readFileSync(file, 'utf8')).toBe('-1');
    if (throttling.state !== 'lifted') return;
    throttling.restore();
    expect(readFileSync(file, 'utf8')).toBe('950000');
    writeFileSync(file, '123');
    throttling.restore();
    expect(readFileSync(file, 'utf8')).toBe('123');
  });

  it('leaves an unlimited budget alone, and says why it lifted nothing when it cannot read the budget', () => {
    const file = budgetFile('-1');
    expect(liftRtThrottling(file)).toEqual({ state: 'already off' });
    expect(readFileSync(file, 'utf8')).toBe('-1\n');
    expect(liftRtThrottling(path.join(path.dirname(file), 'missing'))).toMatchObject({ state: 'kept', reason: expect.stringContaining('cannot read') });
  });

  /** Runs a process that lifts the budget in `file`, then does `then`; resolves with how it ended. */
  const liftIn = (file: string, then: string, onReady?: (child: ReturnType<typeof spawn>) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const script = `import { liftRtThrottling } from ${JSON.stringify(path.join(REPO_ROOT, 'tests/bench/serverProcess.ts'))};
        if (liftRtThrottling(${JSON.stringify(file)}).state !== 'lifted') process.exit(3);
        console.log('lifted');
        ${then}`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('lifted')) onReady?.(child);
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });

  it('puts the budget back when the bench exits without restoring it', async () => {
    const file = budgetFile('950000');
    expect(await liftIn(file, 'process.exit(0);')).toEqual({ code: 0, signal: null });
    expect(readFileSync(file, 'utf8')).toBe('950000');
  }, 30_000);

  it('puts the budget back on SIGTERM and still dies of the signal', async () => {
    const file = budgetFile('950000');
    let during = '';
    const ended = await liftIn(file, 'setInterval(() => {}, 1000);', (child) => {
      during = readFileSync(file, 'utf8');
      child.kill('SIGTERM');
    });
    expect(during).toBe('-1');
    expect(ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readFileSync(file, 'utf8')).toBe('950000');
  }, 30_000);

  const writable = (() => {
    try {
      accessSync(RT_RUNTIME_FILE, constants.W_OK);
      return readFileSync(RT_RUNTIME_FILE, 'utf8').trim() !== '-1';
    } catch {
      return false;
    }
  })();
  if (!writable && process.env.CI !== 'true') {
    console.warn(`\n!!! SKIPPING the kernel real-time budget test: ${RT_RUNTIME_FILE} is not writable here (needs root) or already -1\n`);
  }
  it.skipIf(!writable && process.env.CI !== 'true')("lifts and restores this kernel's own real-time budget", () => {
    const before = readFileSync(RT_RUNTIME_FILE, 'utf8').trim();
    const throttling = liftRtThrottling();
    try {
      expect(throttling.state).toBe('lifted');
      expect(readFileSync(RT_RUNTIME_FILE, 'utf8').trim()).toBe('-1');
    } finally {
      if (throttling.state === 'lifted') throttling.restore();
    }
    expect(readFileSync(RT_RUNTIME_FILE, 'utf8').trim()).toBe(before);
  });
});
