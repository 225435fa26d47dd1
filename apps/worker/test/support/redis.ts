import { testPrefix, TEST_REDIS_URL } from '@jobq/testing';
import { connectRedis, parseQueueConfig, type QueueConfig } from '@jobq/queue-core';

// Shared helpers (deletePrefix, waitFor, PrivateRedis, freePort, ...) come from
// '@jobq/testing'; this file keeps what is particular to the worker's suites.

/** An ioredis connection, as queue-core opens them. */
export type RedisConnection = Awaited<ReturnType<typeof connectRedis>>;

/** A config under a fresh key prefix, so suites never see each other's keys. */
export function testConfig(suite: string, redisUrl = TEST_REDIS_URL): QueueConfig {
  return parseQueueConfig({ redisUrl, prefix: testPrefix('worker', suite) });
}

/** A plain connection for assertions and cleanup; fails fast while Redis is away. */
export function rawRedis(config: QueueConfig): Promise<RedisConnection> {
  return connectRedis(config, { connectionName: 'jobq-worker-test', failFast: true });
}
