/**
 * The sync bench's pooling of rounds (tests/bench/sync.ts, poolRounds and formatPooled): each
 * server's p99 over all its rounds' deliveries, and the interval whole rounds leave on the ratio.
 * The measurement itself runs against real servers in tests/integration/bench-sync.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, seededRandom } from '../bench/stats.js';
import { formatPooled, poolRounds, type SyncTargetResult } from '../bench/sync.js';

const random = seededRandom(21);

/** a round whose deliveries take 1–2 ms, `slow` of them `slowMs` */
function round(server: 'attn' | 'reference', n: number, slowMs: number, slow = 60): SyncTargetResult {
  const latencies = Array.from({ length: 3000 }, (_, i) => (i < slow ? slowMs : 1 + random()));
  return { server, status: 'ok', round: n, latencyHistogram: LatencyHistogram.of(latencies).toPairs() } as SyncTargetResult;
}

describe('poolRounds (sync bench)', () => {
  it("pools each server's rounds: a slow round weighs in by its deliveries, and the interval spans what resampling rounds gives", () => {
    // attn: two quiet rounds and one with 2% at 40 ms; the reference: three rounds with 2% at 10 ms
    const attn = [round('attn', 1, 1.5), round('attn', 2, 40), round('attn', 3, 1.5)];
    const reference = [1, 2, 3].map((n) => round('reference', n, 10));
    const pooled = poolRounds(attn, reference)!;
    expect(pooled.rounds).toBe(3);
    // 60 of attn's 9,000 at 40 ms: under 1%, so its pooled p99 is the 1–2 ms body
    expect(pooled.attnMs).toBeLessThan(2.1);
    // the reference's 180 of 9,000 at 10 ms is 2%: its p99 is 10 ms
    expect(pooled.referenceMs).toBeGreaterThanOrEqual(10);
    expect(pooled.referenceMs).toBeLessThanOrEqual(10 * LatencyHistogram.GROWTH);
    expect(pooled.ratio).toBeCloseTo(pooled.attnMs / pooled.referenceMs, 10);
    // a resample holding attn's slow round twice or three times puts 1.3–2% at 40 ms: its p99 is then 40 ms
    expect(pooled.high).toBeGreaterThan(1);
    expect(pooled.low).toBeLessThan(0.25);
    expect(formatPooled(pooled)).toMatch(/^pooled over 3 rounds: p99 \d\.\d \/ 10\.\d ms = 0\.\d\d× \(resampling rounds, 90% of ratios in 0\.\d\d–[\d.]+×: it holds 1: the rounds do not settle it\)$/);
  });

  it('says so when every resample is on one side, and pools nothing from a single round or from results without a histogram', () => {
    const attn = [1, 2, 3].map((n) => round('attn', n, 5));
    const reference = [1, 2, 3].map((n) => round('reference', n, 20));
    const below = poolRounds(attn, reference)!;
    expect(below.high).toBeLessThan(1);
    expect(formatPooled(below)).toContain('attn at or below the reference across it');
    expect(formatPooled(poolRounds(reference, attn)!)).toContain('attn above the reference across it');
    expect(poolRounds(attn.slice(0, 1), reference)).toBeUndefined();
    const bare = attn.map((r) => ({ ...r, latencyHistogram: undefined }));
    expect(poolRounds(bare, reference)).toBeUndefined();
  });

  it('paired rounds are resampled as pairs, and a round without its partner is left out', () => {
    // round 2 was a slow window for both servers
    const attn = [1, 2, 3].map((n) => round('attn', n, n === 2 ? 30 : 5));
    const reference = [1, 2, 3, 4].map((n) => round('reference', n, n === 2 ? 30 : 5));
    const paired = poolRounds(attn, reference, { paired: true })!;
    expect(paired.rounds).toBe(3);
    expect(paired.paired).toBe(true);
    expect(paired.low).toBeGreaterThan(0.95);
    expect(paired.high).toBeLessThan(1.05);
    expect(formatPooled(paired)).toContain('(resampling paired rounds, 90% of ratios in');
    const apart = poolRounds(attn, reference)!;
    expect(apart.paired).toBe(false);
    expect(apart.rounds).toBe(3);
    expect(apart.high - apart.low).toBeGreaterThan(paired.high - paired.low);
  });
});
