import { randomBytes } from 'node:crypto';
import { PrivateRedis, deletePrefix } from '@jobq/testing';
import { Redis } from 'ioredis';
import {
  InvalidArgumentError,
  JobContractMismatchError,
  JobIdConflictError,
  PayloadValidationError,
  QueueClient,
  RedisUnavailableError,
  parseQueueConfig,
  queueKeys,
  type QueueConfig,
} from '../src';
import { echo, flaky } from './contracts';
import { rawRedis, testConfig } from './helpers';

/** Runs `fn`, returning what it rejected with and how long it took. */
async function timedRejection(fn: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await fn().then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
}

describe('producer against a Redis that restarts, flushes its scripts or stays down', () => {
  let server: PrivateRedis;
  let config: QueueConfig;
  let client: QueueClient;
  let raw: Redis;

  beforeAll(async () => {
    server = await PrivateRedis.start({ persistent: true });
    config = parseQueueConfig({ redisUrl: server.url, prefix: `jobq-test-resilience-${randomBytes(4).toString('hex')}`, operationTimeoutMs: 1_000 });
    client = await QueueClient.connect(config);
    raw = new Redis(server.url, { maxRetriesPerRequest: null });
    raw.on('error', () => undefined);
  });
  afterAll(async () => {
    await client.close();
    raw.disconnect();
    await server.destroy();
  });

  const waitingIds = () => raw.lrange(queueKeys(config.prefix, 'test_main').waiting, 0, -1);

  it('keeps enqueuing after SCRIPT FLUSH, with the same client', async () => {
    await client.enqueue(echo, { n: 1 });
    await raw.script('FLUSH');
    const job = await client.enqueue(echo, { n: 2 });
    expect(await job.status()).toBe('waiting');
    expect(await waitingIds()).toContain(job.id);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('keeps enqueuing after a Redis restart (%s), with the same client', async (signal) => {
    const before = await client.enqueue(echo, { n: 3 }, { jobId: `before-${signal}` });
    await server.stop(signal);
    await server.start();
    const after = await client.enqueue(echo, { n: 4 }, { jobId: `after-${signal}` });
    expect(after.created).toBe(true);
    expect(await after.status()).toBe('waiting');
    // fsync=always append-only file: the job written before the restart is still there.
    expect(await before.status()).toBe('waiting');
  });

  it('while Redis is down every call rejects with RedisUnavailableError within the bound; the retried id makes one job', async () => {
    await server.stop('SIGKILL');
    try {
      const enqueue = await timedRejection(() => client.enqueue(echo, { n: 5 }, { jobId: 'retry-me' }));
      expect(enqueue.err).toBeInstanceOf(RedisUnavailableError);
      expect((enqueue.err as RedisUnavailableError).code).toBe('JOBQ_REDIS_UNAVAILABLE');
      expect((enqueue.err as Error).message).toMatch(/enqueue of 1 "test.echo" job/);
      expect(enqueue.ms).toBeLessThan(2_500);

      const many = await timedRejection(() => client.enqueueMany(echo, [{ payload: { n: 1 } }, { payload: { n: 2 } }]));
      expect(many.err).toBeInstanceOf(RedisUnavailableError);
      expect(many.ms).toBeLessThan(2_500);

      const handle = client.job(echo, 'after-SIGTERM');
      for (const call of [() => handle.status(), () => handle.progress(), () => handle.result({ timeoutMs: 30_000 })]) {
        const r = await timedRejection(call);
        expect(r.err).toBeInstanceOf(RedisUnavailableError);
        expect(r.ms).toBeLessThan(3_500);
      }
    } finally {
      await server.start();
    }
    const first = await client.enqueue(echo, { n: 5 }, { jobId: 'retry-me' });
    const again = await client.enqueue(echo, { n: 5 }, { jobId: 'retry-me' });
    expect([first.created, again.created]).toEqual([true, false]);
    expect((await waitingIds()).filter((id) => id === 'retry-me')).toHaveLength(1);
  });

  it('connecting to a closed port says the connection was refused, at once', async () => {
    const dead = parseQueueConfig({ redisUrl: 'redis://127.0.0.1:1', connectTimeoutMs: 1_000 });
    const r = await timedRejection(() => QueueClient.connect(dead));
    expect(r.err).toBeInstanceOf(RedisUnavailableError);
    expect((r.err as Error).message).toMatch(/connection refused/);
    expect(r.ms).toBeLessThan(2_500);
  });
});

describe('producer: ids and handles are bound to their contract', () => {
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;

  beforeAll(async () => {
    config = testConfig('binding');
    client = await QueueClient.connect(config);
    redis = rawRedis();
  });
  afterAll(async () => {
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
  });

  it('refuses a jobId that belongs to a job of another name, writing nothing', async () => {
    await client.enqueue(echo, { n: 1 }, { jobId: 'order-42' });
    const err = await client.enqueue(flaky, { failTimes: 0 }, { jobId: 'order-42' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobIdConflictError);
    expect((err as Error).message).toMatch(/already belongs to a "test.echo" job, not "test.flaky"/);
    const k = queueKeys(config.prefix, 'test_main');
    expect(JSON.parse((await redis.hget(k.jobs, 'order-42'))!).data.name).toBe('test.echo');
    // A bulk enqueue with one conflicting item writes none of its items.
    const before = await redis.hlen(k.jobs);
    const bulk = await client
      .enqueueMany(flaky, [{ payload: { failTimes: 0 }, options: { jobId: 'fresh-1' } }, { payload: { failTimes: 0 }, options: { jobId: 'order-42' } }])
      .catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(JobIdConflictError);
    expect((bulk as Error).message).toMatch(/^Item 1:/);
    expect(await redis.hlen(k.jobs)).toBe(before);
  });

  it('a handle of the wrong contract rejects instead of returning a wrongly typed value', async () => {
    await client.enqueue(echo, { n: 1 }, { jobId: 'typed-1' });
    const wrong = client.job(flaky, 'typed-1');
    await expect(wrong.status()).rejects.toBeInstanceOf(JobContractMismatchError);
    await expect(wrong.result({ timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'JOBQ_CONTRACT_MISMATCH' });
    await expect(client.job(echo, 'typed-1').status()).resolves.toBe('waiting');
  });

  it('bulk errors name the item, even in a one-item list', async () => {
    const payload = await client.enqueueMany(echo, [{ payload: { n: 'x' } as never }]).catch((e: unknown) => e);
    expect((payload as PayloadValidationError).issues[0].path).toBe('0.n');
    const options = await client.enqueueMany(echo, [{ payload: { n: 1 } }, { payload: { n: 2 }, options: { delayMs: -5 } }]).catch((e: unknown) => e);
    expect(options).toBeInstanceOf(InvalidArgumentError);
    expect((options as Error).message).toMatch(/1\.delayMs/);
  });
});
