/** server/http/rateLimit.ts: the token bucket behind the room-creation, check and signal limits, on a test clock. */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/http/rateLimit.js';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then one per 60/perMinute seconds, with an honest Retry-After', () => {
    let now = 0;
    const limiter = new RateLimiter(6, () => now);
    for (let i = 0; i < 6; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 10 });
    now += 4_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterS: 6 });
    now += 6_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    // Another key has its own bucket; refills never exceed the burst.
    expect(limiter.take('b').ok).toBe(true);
    now += 60 * 60_000;
    for (let i = 0; i < 6; i++) expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('takes a burst apart from the rate (the check and signal limits: 10 at once, then 20 a minute)', () => {
    let now = 0;
    const limiter = new RateLimiter(20, () => now, 10);
    for (let i = 0; i < 10; i++) expect(limiter.take('link').ok).toBe(true);
    expect(limiter.take('link')).toEqual({ ok: false, retryAfterS: 3 });
    now += 3_000;
    expect(limiter.take('link').ok).toBe(true);
    expect(limiter.take('link').ok).toBe(false);
    // A long quiet spell refills to the burst, never to the per-minute rate.
    now += 60 * 60_000;
    for (let i = 0; i < 10; i++) expect(limiter.take('link').ok).toBe(true);
    expect(limiter.take('link').ok).toBe(false);
  });

  it('is unlimited at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('a').ok).toBe(true);
  });

  it('keeps its memory bounded when addresses rotate', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    for (let i = 0; i < 25_000; i++) {
      limiter.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      now += 1;
    }
    expect(limiter.trackedKeys).toBeLessThanOrEqual(10_001);
  });
});
