/** Picks the bus from the config: Redis when ATTN_REDIS_URL is set, else the in-process bus. */
import type { Logger } from '../log.js';
import { LocalBus } from './local.js';
import type { Bus } from './port.js';

/** The Redis named by ATTN_REDIS_URL could not be used at start-up. One line, naming the variable. */
export class BusUnavailableError extends Error {
  override name = 'BusUnavailableError';
}

export async function openBus(redisUrl: string | undefined, log: Logger): Promise<Bus> {
  if (!redisUrl) return new LocalBus();
  try {
    // Loaded only when configured: ioredis is ~2 MB of heap a single instance never uses, and
    // V8's concurrent marking scans the whole heap on each major GC (see server/av/livekit.ts).
    const { RedisBus } = await import('./redis.js');
    return await RedisBus.connect(redisUrl, { log });
  } catch (err) {
    throw new BusUnavailableError(`ATTN_REDIS_URL: ${(err as Error).message}`);
  }
}
