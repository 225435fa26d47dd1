import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseQueueConfig, type QueueConfig } from '../src';

/** The Redis the suites use (set by the jest global setup). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A config under a fresh key prefix of its own, so suites never see each other's keys. */
export function testConfig(suite: string): QueueConfig {
  return parseQueueConfig({ redisUrl: REDIS_URL, prefix: `jobq-test-${suite}-${randomBytes(4).toString('hex')}` });
}

/** Deletes every key under `prefix` (never FLUSHALL: the Redis may be shared). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A plain ioredis connection for assertions. */
export function rawRedis(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}
