/**
 * The sync bench's loop probe (tests/bench/loopProbe.mjs) splits each stall of a server's event
 * loop into time on a CPU and time waiting for one. Checked in a child process that stalls twice:
 * once busy (on a CPU, or waiting for one when the machine is loaded) and once asleep (neither).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatGc, formatStalls, formatTail, type ServerGc, type StallReport } from '../bench/sync.js';

const PROBE = path.resolve(import.meta.dirname, '../bench/loopProbe.mjs');
const hasSchedstat = fs.existsSync('/proc/thread-self/schedstat');

// A full collection, busy for 200 ms, then asleep for 150 ms (Atomics.wait blocks the thread
// without running it), then the report the bench asks for with SIGUSR2.
const CHILD = `
setTimeout(() => {
  gc();
  const t = performance.now();
  while (performance.now() - t < 200);
  setTimeout(() => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    setTimeout(() => process.kill(process.pid, 'SIGUSR2'), 60);
    setTimeout(() => process.exit(0), 200);
  }, 60);
}, 60);
`;

describe('bench loop probe', () => {
  it.skipIf(!hasSchedstat)('splits a stall into time on a CPU and time waiting for one; a thread asleep is neither; counts full collections apart', async () => {
    const started = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-probe-'));
    const file = path.join(dir, 'loop.json');
    const child = spawn(process.execPath, ['--expose-gc', '--import', pathToFileURL(PROBE).href, '-e', CHILD], { env: { ...process.env, BENCH_LOOP_FILE: file }, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { maxMs: number; stalls: StallReport; gc: ServerGc; heapMb: number };
    fs.rmSync(dir, { recursive: true, force: true });

    // gc() is a full (mark-compact) collection; the heap in use is read at the report.
    expect(report.gc.major!.count).toBeGreaterThanOrEqual(1);
    expect(report.gc.count).toBeGreaterThanOrEqual(report.gc.major!.count);
    expect(report.gc.totalMs).toBeGreaterThanOrEqual(report.gc.major!.totalMs);
    // each full collection's start, in epoch ms, for the bench to set against its slowest deliveries
    const at = report.gc.major!.at!;
    expect(at).toHaveLength(report.gc.major!.count);
    for (const t of at) expect(t).toBeGreaterThanOrEqual(started - 5);
    for (const t of at) expect(t).toBeLessThanOrEqual(Date.now());
    expect(report.heapMb).toBeGreaterThan(0.5);
    expect(report.heapMb).toBeLessThan(200);

    const { stalls } = report;
    expect(stalls.count).toBe(2);
    expect(report.maxMs).toBeGreaterThanOrEqual(190);
    // The busy one is the longest: all of it on a CPU or waiting for one (less the part of a
    // tick before the loop started).
    const worst = stalls.worst!;
    expect(worst.wallMs).toBeGreaterThanOrEqual(200);
    expect(worst.cpuMs).toBeGreaterThan(0);
    expect(worst.cpuMs + worst.waitMs).toBeGreaterThanOrEqual(worst.wallMs - 30);
    // The sleep adds ~150 ms of wall time and next to nothing to either.
    expect(stalls.wallMs).toBeGreaterThanOrEqual(worst.wallMs + 140);
    expect(stalls.cpuMs + stalls.waitMs).toBeLessThan(worst.cpuMs + worst.waitMs + 40);
  });

  it('formats garbage collection with the full collections apart, and without them for older results', () => {
    expect(formatGc({ count: 26, totalMs: 105.4, maxMs: 10.06, major: { count: 3, totalMs: 31.2 } })).toBe('26 pauses, 105 ms in all (3 full: 31 ms), longest 10.1 ms');
    expect(formatGc({ count: 18, totalMs: 44, maxMs: 3.9 })).toBe('18 pauses, 44 ms in all, longest 3.9 ms');
  });

  it('formats where the slowest deliveries fell', () => {
    expect(formatTail({ count: 600, stretches: 41, busiest: { count: 146, atMs: 20_800 }, nearEvents: 262, events: 3 })).toBe(
      "slowest 1%: 600 deliveries in 41 stretches of 100 ms, 146 of them in the busiest (20.8 s in); 262 in flight around one of the server's 3 full GCs",
    );
    expect(formatTail({ count: 20, stretches: 9, busiest: { count: 5, atMs: 300 }, nearEvents: 7, events: 1 })).toContain("7 in flight around the server's one full GC");
    expect(formatTail({ count: 20, stretches: 9, busiest: { count: 5, atMs: 300 }, nearEvents: 0, events: 0 })).toContain('; no server full GC in the window');
  });

  it('formats a report: the split of all stalls, and of the longest when there are several', () => {
    expect(formatStalls({ count: 0, wallMs: 0, cpuMs: 0, waitMs: 0, worst: null })).toBe('no stall over 50 ms');
    expect(formatStalls({ count: 1, wallMs: 80.4, cpuMs: 20, waitMs: 55.2, worst: { wallMs: 80.4, cpuMs: 20, waitMs: 55.2 } })).toBe(
      '1 stall over 50 ms (80 ms: 20 on a CPU, 55 waiting for one)',
    );
    expect(formatStalls({ count: 3, wallMs: 410, cpuMs: 120, waitMs: 270, worst: { wallMs: 180, cpuMs: 40, waitMs: 130 } })).toBe(
      '3 stalls over 50 ms (410 ms: 120 on a CPU, 270 waiting for one; longest 180 ms: 40 on a CPU, 130 waiting for one)',
    );
  });
});
