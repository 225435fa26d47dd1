import BeeQueue from 'bee-queue';
import { randomBytes } from 'node:crypto';
import { PrivateRedis, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { QueueClient, Worker, handle, parseQueueConfig, type QueueConfig } from '../src';
import { echo, flaky, highJob, lowJob } from './contracts';
import { queueSuite } from './helpers';

/** Long enough that nothing in these tests can be explained by the safety poll. */
const NO_POLL = { safetyPollMs: 60_000 };

describe('event-driven worker: woken by Redis, not by polling', () => {
  const suite = queueSuite('wakeup', NO_POLL);
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  beforeEach(() => {
    ({ config, client, redis } = suite);
    started.clear();
  });
  const startWorker = suite.startWorker;
  const started = new Map<string, number>();

  const echoHandler = handle(echo, (p, ctx) => {
    started.set(ctx.id, Date.now());
    return { n: p.n, by: 'echo' };
  });

  it('an idle worker takes a job the moment it is enqueued', async () => {
    await startWorker([echoHandler]);
    await new Promise((r) => setTimeout(r, 300)); // let it settle into its blocking wait
    for (let i = 0; i < 5; i += 1) {
      const at = Date.now();
      const job = await client.enqueue(echo, { n: i });
      await job.result({ timeoutMs: 5_000 });
      expect(started.get(job.id)! - at).toBeLessThan(1_000);
    }
  });

  it('idle workers wake each other for a burst: every job runs, queues in priority order', async () => {
    const order: string[] = [];
    const high = handle(highJob, (p) => (order.push(`h${p.i}`), { i: p.i }));
    const low = handle(lowJob, (p) => (order.push(`l${p.i}`), { i: p.i }));
    await startWorker([high, low], { queues: ['test_high', 'test_low'], concurrency: 1 });
    await startWorker([high, low], { queues: ['test_high', 'test_low'], concurrency: 1 });
    await new Promise((r) => setTimeout(r, 300));
    const lows = await client.enqueueMany(lowJob, Array.from({ length: 20 }, (_, i) => ({ payload: { i } })));
    const highs = await client.enqueueMany(highJob, Array.from({ length: 20 }, (_, i) => ({ payload: { i } })));
    await Promise.all([...lows, ...highs].map((j) => j.result({ timeoutMs: 10_000 })));
    expect(order).toHaveLength(40);
    // Once both queues hold jobs, the high ones go first: the last job run is a low one.
    expect(order[order.length - 1].startsWith('l')).toBe(true);
  });

  it('close() during a blocking wait returns at once', async () => {
    const w = await startWorker([echoHandler]);
    await new Promise((r) => setTimeout(r, 300));
    const at = Date.now();
    await w.close({ graceMs: 10_000 });
    expect(Date.now() - at).toBeLessThan(1_000);
  });

  it('delayed jobs start on time, never early, and an earlier one wakes the sleeper', async () => {
    await startWorker([echoHandler]);
    const late = await client.enqueue(echo, { n: 1 }, { delayMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300)); // the worker now sleeps until the 30 s job
    const dueIn = 400;
    const enqueuedAt = Date.now();
    const early = await client.enqueue(echo, { n: 2 }, { delayMs: dueIn });
    await early.result({ timeoutMs: 5_000 });
    const runAt = JSON.parse((await redis.hget(`${config.prefix}:test_main:jobs`, early.id))!).options.delay as number;
    expect(started.get(early.id)!).toBeGreaterThanOrEqual(runAt);
    expect(started.get(early.id)! - enqueuedAt).toBeLessThan(dueIn + 500);
    expect(await late.status()).toBe('delayed');
  });

  it('a retry with backoff runs when its backoff ends, not at the next poll', async () => {
    let attempts = 0;
    const times: number[] = [];
    await startWorker([
      handle(flaky, (p, ctx) => {
        attempts += 1;
        times.push(Date.now());
        if (ctx.attempt <= p.failTimes) throw new Error('again');
        return { attempts: ctx.attempt };
      }),
    ]);
    const job = await client.enqueue(flaky, { failTimes: 1 }); // fixed backoff 200 ms
    await expect(job.result({ timeoutMs: 5_000 })).resolves.toEqual({ attempts: 2 });
    expect(attempts).toBe(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(200);
    expect(times[1] - times[0]).toBeLessThan(1_000);
  });

  it('jobs written by a plain bee-queue producer (no wake-up) still run, through the safety poll', async () => {
    await startWorker([echoHandler], { safetyPollMs: 200 });
    const bq = new BeeQueue('test_main', { prefix: config.prefix, redis: { url: config.redisUrl } as never, isWorker: false, getEvents: false });
    try {
      const job = await bq.createJob({ name: 'test.echo', payload: { n: 42 } }).save();
      await expect(client.job(echo, String(job.id)).result({ timeoutMs: 10_000 })).resolves.toEqual({ n: 42, by: 'echo' });
    } finally {
      await bq.close();
    }
  });
});

describe('event-driven worker across a Redis restart', () => {
  it('a worker blocked in its wait resumes after Redis restarts, and loses no job', async () => {
    const server = await PrivateRedis.start({ persistent: true });
    const config = parseQueueConfig({ redisUrl: server.url, prefix: `jobq-test-wake-${randomBytes(4).toString('hex')}`, operationTimeoutMs: 1_000 });
    const worker = new Worker(config, { name: 'restart', handlers: [handle(echo, (p) => ({ n: p.n, by: 'echo' }))], ...NO_POLL, heartbeatMs: 200 });
    await worker.start();
    const client = await QueueClient.connect(config);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await server.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
      await server.start();
      const job = await waitFor(() => client.enqueue(echo, { n: 9 }).catch(() => null), 10_000, 'an enqueue after the restart');
      await expect(job.result({ timeoutMs: 10_000 })).resolves.toEqual({ n: 9, by: 'echo' });
    } finally {
      await worker.close({ graceMs: 1_000 });
      await client.close();
      await server.destroy();
    }
  }, 40_000);
});
