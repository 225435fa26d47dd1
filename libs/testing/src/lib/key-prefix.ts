import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The Redis the suites share: REDIS_URL as the jest global setup leaves it (scripts/jest-redis-setup.cjs). */
export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * A fresh key prefix, `jobq-test-<parts joined by ->-<8 hex digits>`, so that suites
 * sharing one Redis never see each other's keys: `testPrefix('worker', 'signals')`.
 */
export function testPrefix(...parts: string[]): string {
  return ['jobq-test', ...parts, randomBytes(4).toString('hex')].join('-');
}

/** The two commands {@link deletePrefix} needs (any ioredis connection has them). */
export type KeyDeleter = Pick<Redis, 'scan' | 'unlink'>;

/**
 * Deletes every key under `prefix:` (SCAN + UNLINK) and returns how many. Never
 * FLUSHALL/FLUSHDB: the Redis is shared with other suites and other people.
 */
export async function deletePrefix(redis: KeyDeleter, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
