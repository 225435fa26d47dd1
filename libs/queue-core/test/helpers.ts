import { testPrefix, TEST_REDIS_URL } from '@jobq/testing';
import { Redis } from 'ioredis';
import { parseQueueConfig, type QueueConfig } from '../src';

// Shared helpers (deletePrefix, waitFor, PrivateRedis, freePort, ...) come from
// '@jobq/testing'; this file keeps what is particular to queue-core's suites.

/** The Redis the suites use (set by the jest global setup). */
export const REDIS_URL = TEST_REDIS_URL;

/** A config under a fresh key prefix of its own, so suites never see each other's keys. */
export function testConfig(suite: string): QueueConfig {
  return parseQueueConfig({ redisUrl: REDIS_URL, prefix: testPrefix(suite) });
}

/** A plain ioredis connection for assertions. */
export function rawRedis(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}
