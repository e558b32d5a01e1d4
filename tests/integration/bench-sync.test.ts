/**
 * The sync bench's measurement (tests/bench/sync.ts, runTogether): one server on its own, or two
 * written to in the same window (`--paired`), each by load threads of its own. Runs the reference
 * relay twice over real sockets with the stock y-websocket clients, at a load small enough for
 * CI: what is asserted is the bookkeeping, never a timing.
 */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../bench/stats.js';
import { referenceTarget, runTogether, type RunOptions } from '../bench/sync.js';

const OPTS: RunOptions = {
  seconds: 2,
  drainMs: 1_000,
  warmupMs: 300,
  connectBatch: 10,
  workers: 1,
  retries: 0,
  profileDir: undefined,
  rounds: 1,
  paired: true,
  serverPriority: false,
  attnClients: false,
  seed: 7,
};
const CONFIG = { rooms: 2, clients: 2, writers: 2, editsPerSec: 5 };

describe('runTogether (sync bench)', () => {
  it('measures two servers in one window: each its own edits, deliveries and process CPU, both the same window', async () => {
    const lines: string[] = [];
    const results = await runTogether([referenceTarget, referenceTarget], CONFIG, OPTS, 'paired-test', (l) => lines.push(l));
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.status, r.error).toBe('ok');
      // 2 rooms × 2 writers × 5/s × 2 s, each edit delivered to the room's other client
      expect(r.sent).toBeGreaterThanOrEqual(30);
      expect(r.expected).toBe(r.sent);
      expect(r.delivered).toBe(r.expected);
      expect(r.latencyMs.count).toBe(r.delivered);
      // every latency is in the histogram that pools rounds, and it reads the same p99 (to its 1% buckets)
      const h = LatencyHistogram.fromPairs(r.latencyHistogram!);
      expect(h.total).toBe(r.latencyMs.count);
      expect(h.percentile(99)).toBeGreaterThanOrEqual(r.latencyMs.p99);
      expect(h.percentile(99)).toBeLessThanOrEqual(r.latencyMs.p99 * LatencyHistogram.GROWTH);
      expect(r.serverCpuSeconds).toBeGreaterThan(0);
      // the window runs from the end of warm-up to the drain: about the writing time
      expect(r.windowMs).toBeGreaterThan(OPTS.seconds * 1000 * 0.9);
    }
    // one window for both, opened once
    expect(results[0]!.windowStartEpochMs).toBeGreaterThan(0);
    expect(results[1]!.windowStartEpochMs).toBe(results[0]!.windowStartEpochMs);
    // each server's own clients: one "synced" line per server, with its own load thread
    expect(lines.filter((l) => l.includes('4 clients synced'))).toHaveLength(2);
  }, 90_000);

  it('one target on its own is the usual run', async () => {
    const [r] = await runTogether([referenceTarget], CONFIG, { ...OPTS, paired: false }, 'single-test', () => undefined);
    expect(r!.status, r!.error).toBe('ok');
    expect(r!.delivered).toBe(r!.expected);
    expect(r!.expected).toBeGreaterThanOrEqual(30);
  }, 60_000);
});
