import { waitFor } from '@jobq/testing';
import type { Redis } from 'ioredis';
import { InvalidArgumentError, QueueAdmin, QueueInspector, handle, parseRateLimit, queueKeys, readJobEvents, type QueueClient, type QueueConfig } from '../src';
import { echo, highJob, lowJob, slow } from './contracts';
import { queueSuite } from './helpers';

/** Long enough that nothing in these tests can be explained by the safety poll. */
const NO_POLL = { safetyPollMs: 60_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause and resume a queue', () => {
  const suite = queueSuite('flow-pause', NO_POLL);
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  const started = new Map<string, number>();
  beforeEach(() => {
    ({ config, client, redis } = suite);
    started.clear();
  });
  const echoHandler = handle(echo, (p, ctx) => {
    started.set(ctx.id, Date.now());
    return { n: p.n, by: 'echo' };
  });

  it('a paused queue takes nothing while enqueues succeed; resume wakes a blocked worker at once', async () => {
    await suite.startWorker([echoHandler]);
    expect(await client.pause('test_main')).toBe(true);
    expect(await client.pause('test_main')).toBe(false);
    const jobs = await client.enqueueMany(echo, [1, 2, 3].map((n) => ({ payload: { n } })));
    await sleep(500);
    expect(started.size).toBe(0);
    for (const j of jobs) expect(await j.status()).toBe('waiting');
    expect(await redis.llen(queueKeys(config.prefix, 'test_main').waiting)).toBe(3);
    // The worker is now blocked in its idle wait (safety poll 60 s): only the resume's wake-up can start the jobs.
    const at = Date.now();
    expect(await client.resume('test_main')).toBe(true);
    expect(await client.resume('test_main')).toBe(false);
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 5_000 })));
    for (const j of jobs) expect(started.get(j.id)! - at).toBeLessThan(1_000);
    const events = await readJobEvents(redis, config.prefix, new Map([['test_main', '0-0']]), { blockMs: 0, count: 1_000 });
    const queueEvents = events.filter((e) => e.event === 'paused' || e.event === 'resumed').map((e) => e.event);
    expect(queueEvents).toEqual(['paused', 'resumed']);
  });

  it('the paused state is in Redis: a worker started later takes nothing either', async () => {
    const admin = new QueueAdmin(redis, config.prefix);
    expect(await admin.pauseQueue('test_main')).toBe(true);
    const job = await client.enqueue(echo, { n: 1 });
    const w = await suite.startWorker([echoHandler]);
    await sleep(400);
    await w.close();
    await suite.startWorker([echoHandler]);
    await sleep(400);
    expect(started.size).toBe(0);
    expect((await new QueueInspector(redis, config.prefix).flow(['test_main']))[0]).toEqual({ queue: 'test_main', paused: true, rateLimit: null });
    expect(await admin.resumeQueue('test_main')).toBe(true);
    await job.result({ timeoutMs: 5_000 });
  });

  it('due delayed jobs do not start while paused, and start on resume', async () => {
    await suite.startWorker([echoHandler]);
    await client.pause('test_main');
    const job = await client.enqueue(echo, { n: 1 }, { delayMs: 150 });
    await sleep(600);
    expect(started.size).toBe(0);
    expect(await job.status()).toBe('delayed');
    await client.resume('test_main');
    await job.result({ timeoutMs: 5_000 });
  });

  it('running jobs finish after a pause; other queues of the worker keep running', async () => {
    const slowHandler = handle(slow, async (p, ctx) => {
      started.set(ctx.id, Date.now());
      await sleep(p.ms);
      return { waited: p.ms };
    });
    await suite.startWorker([slowHandler]);
    const running = await client.enqueue(slow, { ms: 400 });
    await waitFor(async () => started.has(running.id), { what: 'the slow job to start' });
    await client.pause('test_main');
    const queued = await client.enqueue(slow, { ms: 1 });
    expect(await running.result({ timeoutMs: 5_000 })).toEqual({ waited: 400 });
    await sleep(300);
    expect(await queued.status()).toBe('waiting');

    const ran: string[] = [];
    await suite.startWorker([handle(highJob, (p) => (ran.push(`h${p.i}`), { i: p.i })), handle(lowJob, (p) => (ran.push(`l${p.i}`), { i: p.i }))], {
      queues: ['test_high', 'test_low'],
    });
    await client.pause('test_high');
    const high = await client.enqueue(highJob, { i: 1 });
    const low = await client.enqueue(lowJob, { i: 1 });
    await low.result({ timeoutMs: 5_000 });
    expect(await high.status()).toBe('waiting');
    expect(ran).toEqual(['l1']);
    await client.resume('test_high');
    await high.result({ timeoutMs: 5_000 });
  });
});

describe('rate limit per queue', () => {
  const suite = queueSuite('flow-rate', NO_POLL);
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  beforeEach(() => {
    ({ config, client, redis } = suite);
  });
  const echoHandler = handle(echo, (p) => ({ n: p.n, by: 'echo' }));

  it('starts per window never exceed the limit across several workers; jobs over it wait, none fails', async () => {
    const limit = { max: 4, intervalMs: 400 };
    await client.setRateLimit('test_main', limit);
    for (let i = 0; i < 3; i += 1) await suite.startWorker([echoHandler], { concurrency: 5 });
    const jobs = await client.enqueueMany(echo, Array.from({ length: 24 }, (_, n) => ({ payload: { n } })));
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 15_000 })));
    const k = queueKeys(config.prefix, 'test_main');
    // startedAt is the time the take script counted the start against its window.
    const startedAt = await Promise.all(jobs.map(async (j) => Number(await redis.hget(k.run(j.id), 'startedAt'))));
    const perWindow = new Map<number, number>();
    for (const at of startedAt) perWindow.set(Math.floor(at / limit.intervalMs), (perWindow.get(Math.floor(at / limit.intervalMs)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(limit.max);
    expect(perWindow.size).toBeGreaterThanOrEqual(24 / limit.max);
    expect(await redis.zcard(k.index('failed'))).toBe(0);
  });

  it('a limit changed or cleared at run time takes effect at once, even for a worker sleeping until the window ends', async () => {
    const ran: number[] = [];
    await suite.startWorker([handle(echo, (p) => (ran.push(p.n), { n: p.n, by: 'echo' }))], { concurrency: 5 });
    await client.setRateLimit('test_main', { max: 1, intervalMs: 60_000 });
    const jobs = await client.enqueueMany(echo, Array.from({ length: 6 }, (_, n) => ({ payload: { n } })));
    await waitFor(async () => ran.length === 1, { what: 'the first job to run' });
    await sleep(400);
    expect(ran).toHaveLength(1);
    expect((await new QueueInspector(redis, config.prefix).flow(['test_main']))[0].rateLimit).toEqual({ max: 1, intervalMs: 60_000 });
    // A larger budget in the same 60 s window: two more start now.
    await client.setRateLimit('test_main', { max: 3, intervalMs: 60_000 });
    await waitFor(async () => ran.length === 3, { what: 'two more jobs to run' });
    await sleep(400);
    expect(ran).toHaveLength(3);
    await client.setRateLimit('test_main', null);
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 5_000 })));
    expect((await new QueueInspector(redis, config.prefix).flow(['test_main']))[0].rateLimit).toBeNull();
  });

  it('refuses bad limits, naming what is wrong', async () => {
    await expect(client.setRateLimit('test_main', { max: 0, intervalMs: 1_000 })).rejects.toThrow(InvalidArgumentError);
    await expect(client.setRateLimit('test_main', { max: 5, intervalMs: 1.5 })).rejects.toThrow(/interval/);
    await expect(client.pause('bad queue name')).rejects.toThrow(InvalidArgumentError);
    expect(parseRateLimit('50/1000')).toEqual({ max: 50, intervalMs: 1_000 });
    expect(parseRateLimit('600/1m')).toEqual({ max: 600, intervalMs: 60_000 });
    expect(parseRateLimit(' 5 / 2s ')).toEqual({ max: 5, intervalMs: 2_000 });
    expect(() => parseRateLimit('50 per second')).toThrow(/<max>\/<interval>/);
    expect(() => parseRateLimit('0/1s')).toThrow(/max/);
  });
});
