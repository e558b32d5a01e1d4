/**
 * Redis for the scale-out tests. On a developer machine without Redis those tests skip with a
 * loud message; under CI=true a missing Redis is a failure (.ci/run starts it when it is down).
 */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.ATTN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Top-level-await it in a test file, then `describe.skipIf(!ok)`. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => undefined);
  let ok = false;
  try {
    await client.connect();
    ok = (await client.ping()) === 'PONG';
  } catch {
    ok = false;
  } finally {
    client.disconnect();
  }
  if (!ok) {
    const hint = 'start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`';
    if (process.env.CI) throw new Error(`CI=true but Redis is not reachable at ${REDIS_URL}: ${hint}.`);
    console.warn(`\n\n*** SKIPPING REDIS TESTS: nothing answers at ${REDIS_URL}; ${hint}. ***\n\n`);
  }
  return ok;
}

/** A plain client for a test to poke Redis with (e.g. CLIENT KILL to force a reconnect). */
export function redisClient(): Redis {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}
