/**
 * The store bench's bookkeeping (tests/bench/store.ts) on a small load: every append is counted,
 * snapshots are built at their rate, and the CPU it reports is that of the threads the store
 * started (the journal's writer and the maintenance thread), never a timing.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatStoreText, runStoreBench } from '../bench/store.js';

describe('runStoreBench', () => {
  it.skipIf(!existsSync('/proc/self/task'))('counts the appends and snapshots of its window and the CPU of the threads the store started', async () => {
    const result = await runStoreBench({ docs: 20, rate: 200, seconds: 1, snapshotEvery: 10, log: () => undefined });
    expect(result.unavailable).toBeUndefined();
    expect(result.appends).toBe(200);
    // each doc takes 10 appends in the window and snapshots once per 10: one each
    expect(result.snapshots).toBe(20);
    // the writer and the maintenance thread (libuv's pool may add threads of its own)
    expect(result.threadCpuMs.length).toBeGreaterThanOrEqual(2);
    expect(result.threadCpuMs.every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(true);
    expect(result.usPerEdit).toBeCloseTo((result.threadCpuMs.reduce((a, b) => a + b, 0) * 1000) / 200, 6);
    expect(formatStoreText(result)).toContain('20 docs @ 200/s');
  }, 60_000);
});
