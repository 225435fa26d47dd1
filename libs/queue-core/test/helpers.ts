import { deletePrefix, testPrefix, TEST_REDIS_URL } from '@jobq/testing';
import { Redis } from 'ioredis';
import { QueueClient, Worker, parseQueueConfig, type BoundHandler, type QueueConfig, type WorkerOptions } from '../src';

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

/** What {@link queueSuite} gives a describe block: fresh per test. */
export interface QueueSuite {
  /** Config under the test's own key prefix. */
  readonly config: QueueConfig;
  readonly client: QueueClient;
  /** A plain connection for assertions. */
  readonly redis: Redis;
  /** Starts a worker (`w1`, `w2`, ... in test order) that the suite stops after the test. */
  startWorker(handlers: BoundHandler[], extra?: Partial<WorkerOptions>): Promise<Worker>;
}

/**
 * Per-test setup shared by the worker suites: a fresh key prefix, a producer, a
 * raw connection, and workers stopped (and keys deleted) after each test.
 * `defaults` are worker options every `startWorker` call starts from.
 */
export function queueSuite(suite: string, defaults: Partial<WorkerOptions> = {}): QueueSuite {
  let current: { config: QueueConfig; client: QueueClient; redis: Redis } | undefined;
  const workers: Worker[] = [];
  const now = () => {
    if (!current) throw new Error('queueSuite used outside a test');
    return current;
  };
  beforeEach(async () => {
    const config = testConfig(suite);
    current = { config, client: await QueueClient.connect(config), redis: rawRedis() };
  });
  afterEach(async () => {
    const { config, client, redis } = now();
    await Promise.all(workers.splice(0).map((w) => w.stopNow()));
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
    current = undefined;
  });
  return {
    get config() {
      return now().config;
    },
    get client() {
      return now().client;
    },
    get redis() {
      return now().redis;
    },
    async startWorker(handlers, extra = {}) {
      const w = new Worker(now().config, { name: `w${workers.length + 1}`, handlers, heartbeatMs: 200, ...defaults, ...extra });
      workers.push(w);
      await w.start();
      return w;
    },
  };
}
