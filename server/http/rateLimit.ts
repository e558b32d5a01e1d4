/**
 * Token buckets keyed by a string (a client address, a link id): a burst of `burst` (by default
 * `perMinute`), refilled at `perMinute` a minute. Measured before it existed: one script created
 * 329 rooms a second. Memory stays
 * bounded: a full bucket carries no information, so buckets that have refilled are dropped
 * whenever the map grows past MAX_TRACKED_KEYS.
 */
const MINUTE_MS = 60_000;
const MAX_TRACKED_KEYS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export interface TakeResult {
  ok: boolean;
  /** when refused: whole seconds until one token is back (for Retry-After) */
  retryAfterS: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** tokens per minute; 0 = unlimited */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    /** the bucket's size: how many may come at once after a quiet spell */
    readonly burst: number = perMinute,
  ) {}

  get trackedKeys(): number {
    return this.buckets.size;
  }

  take(key: string): TakeResult {
    if (this.perMinute <= 0) return { ok: true, retryAfterS: 0 };
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(key), now);
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - bucket.tokens) * MINUTE_MS) / this.perMinute / 1000)) };
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_TRACKED_KEYS) this.prune(now);
    return { ok: true, retryAfterS: 0 };
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / MINUTE_MS);
    return { tokens, at: now };
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.burst) this.buckets.delete(key);
    }
    // Still too many (addresses rotated faster than buckets refill): forget the longest-known
    // ones, down to 90% so this full pass runs once per thousand new keys, not on every take.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= MAX_TRACKED_KEYS * 0.9) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * The bucket key for a client address. An IPv6 client usually holds a whole /64, so it is keyed
 * by that prefix; one address per bucket would let it mint a fresh bucket per request.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
