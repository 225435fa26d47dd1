import { Redis } from 'ioredis';
import {
  ConfigError,
  InvalidArgumentError,
  PayloadValidationError,
  QueueClient,
  RedisUnavailableError,
  parseQueueConfig,
  queueKeys,
  type QueueConfig,
} from '../src';
import { echo } from './contracts';
import { deletePrefix } from '@jobq/testing';
import { rawRedis, testConfig } from './helpers';

describe('QueueClient (producer)', () => {
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;

  beforeAll(async () => {
    config = testConfig('producer');
    client = await QueueClient.connect(config);
    redis = rawRedis();
  });
  afterAll(async () => {
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
  });

  it('rejects a bad payload naming every bad field, and writes nothing', async () => {
    const err = await client.enqueue(echo, { n: 1.5, note: 7 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadValidationError);
    const e = err as PayloadValidationError;
    expect(e.code).toBe('JOBQ_PAYLOAD_INVALID');
    expect(e.issues.map((i) => i.path).sort()).toEqual(['n', 'note']);
    expect(e.message).toContain('test.echo');
    const keys = await redis.keys(`${config.prefix}:test_main:*`);
    expect(keys).toEqual([]);
  });

  it('rejects a bad item of a bulk enqueue by index and writes none of the batch', async () => {
    const err = await client
      .enqueueMany(echo, [{ payload: { n: 1 } }, { payload: { n: 'x' } as never }, { payload: { n: 3 } }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadValidationError);
    expect((err as PayloadValidationError).issues[0].path).toBe('1.n');
    expect(await redis.hlen(queueKeys(config.prefix, 'test_main').jobs)).toBe(0);
  });

  it('rejects bad options with a clear error', async () => {
    await expect(client.enqueue(echo, { n: 1 }, { jobId: 'has space' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.enqueue(echo, { n: 1 }, { delayMs: 10, runAt: Date.now() })).rejects.toThrow(/delayMs or runAt/);
    await expect(client.enqueue(echo, { n: 1 }, { retries: -1 })).rejects.toThrow(/retries/);
  });

  it('stores the job in bee-queue\'s layout with the contract defaults', async () => {
    const job = await client.enqueue(echo, { n: 5 });
    const k = queueKeys(config.prefix, 'test_main');
    const stored = JSON.parse((await redis.hget(k.jobs, job.id))!);
    expect(stored.data).toEqual({ name: 'test.echo', payload: { n: 5 } });
    expect(stored.options).toMatchObject({ retries: 0, timeout: 5_000, jobq: { retries: 0, keepResultSeconds: 600 } });
    expect(await redis.lrange(k.waiting, 0, -1)).toContain(job.id);
    expect(await job.status()).toBe('waiting');
    expect(await redis.sismember(`${config.prefix}:x:queues`, 'test_main')).toBe(1);
  });

  it('a caller-chosen id enqueued twice yields one job', async () => {
    const a = await client.enqueue(echo, { n: 1 }, { jobId: 'order-42' });
    const b = await client.enqueue(echo, { n: 2 }, { jobId: 'order-42' });
    expect([a.id, b.id]).toEqual(['order-42', 'order-42']);
    expect([a.created, b.created]).toEqual([true, false]);
    const k = queueKeys(config.prefix, 'test_main');
    const waiting = await redis.lrange(k.waiting, 0, -1);
    expect(waiting.filter((id) => id === 'order-42')).toHaveLength(1);
    expect(JSON.parse((await redis.hget(k.jobs, 'order-42'))!).data.payload).toEqual({ n: 1 });
  });

  it('delayed jobs go to the delayed set', async () => {
    const job = await client.enqueue(echo, { n: 9 }, { delayMs: 60_000 });
    expect(await job.status()).toBe('delayed');
    const score = await redis.zscore(queueKeys(config.prefix, 'test_main').delayed, job.id);
    expect(Number(score)).toBeGreaterThan(Date.now() + 50_000);
  });

  it('an unknown job id reads as missing', async () => {
    const h = client.job(echo, 'no-such-job');
    expect(await h.status()).toBe('missing');
    await expect(h.result({ timeoutMs: 200 })).rejects.toMatchObject({ code: 'JOBQ_JOB_NOT_FOUND' });
  });
});

describe('configuration', () => {
  it('rejects a bad URL and bad prefix at parse time', () => {
    expect(() => parseQueueConfig({ redisUrl: 'http://localhost:6379' })).toThrow(ConfigError);
    expect(() => parseQueueConfig({ redisUrl: 'not a url' })).toThrow(/redisUrl must be a URL like redis:\/\//);
    expect(() => parseQueueConfig({ redisUrl: 'redis://localhost:6379', prefix: 'a b' })).toThrow(/prefix/);
    expect(parseQueueConfig({ redisUrl: 'redis://localhost:6379' })).toMatchObject({ prefix: 'jobq', connectTimeoutMs: 5000 });
    const err = (() => {
      try {
        parseQueueConfig({ redisUrl: 'redis://h:99999999', prefix: '' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(new Set(err?.issues.map((i) => i.path))).toEqual(new Set(['prefix', 'redisUrl']));
  });

  it('an unreachable Redis is a clear error within the timeout, not a hang', async () => {
    const config = parseQueueConfig({ redisUrl: 'redis://127.0.0.1:1', connectTimeoutMs: 500 });
    const started = Date.now();
    await expect(QueueClient.connect(config)).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
