import { randomBytes } from 'node:crypto';
import { PrivateRedis, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import {
  QueueClient,
  Worker,
  handle,
  parseQueueConfig,
  queueKeys,
  readJobEvents,
  type JobFailedEvent,
  type JobProgressEvent,
  type JobSucceededEvent,
  type QueueConfig,
} from '../src';
import { echo, flaky } from './contracts';
import { queueSuite } from './helpers';

const echoHandler = handle(echo, async (p, ctx) => {
  if (p.note === 'progress') await ctx.progress(50, 'half way');
  return { n: p.n, by: 'echo' };
});

describe('job event stream and push-based results', () => {
  const suite = queueSuite('events');
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  beforeEach(() => ({ config, client, redis } = suite));
  const startWorker = () => suite.startWorker([echoHandler, handle(flaky, () => ({ attempts: 1 }))]);

  it('appends every state change of a job to its queue\'s stream, in order', async () => {
    await startWorker();
    const cursor = new Map([['test_main', '0-0']]);
    const job = await client.enqueue(echo, { n: 1, note: 'progress' });
    await job.result({ timeoutMs: 5_000 });
    const events = (await readJobEvents(redis, config.prefix, cursor, { blockMs: 0, count: 100 })).filter((e) => e.id === job.id);
    expect(events.map((e) => e.event)).toEqual(['waiting', 'active', 'progress', 'succeeded']);
    expect(events.every((e) => e.name === 'test.echo' && e.queue === 'test_main')).toBe(true);
    expect(events[1].data).toEqual({ attempt: 1 });
    expect(events[2].data).toEqual({ percent: 50, message: 'half way' });
  });

  it('one take that starts several jobs appends one active entry, read back as one active event per job', async () => {
    const cursor = new Map([['test_main', '0-0']]);
    const jobs = await client.enqueueMany(echo, Array.from({ length: 3 }, (_, n) => ({ payload: { n } })));
    await suite.startWorker([echoHandler], { concurrency: 4 });
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 5_000 })));
    const events = await readJobEvents(redis, config.prefix, cursor, { blockMs: 0, count: 100 });
    const active = events.filter((e) => e.event === 'active');
    expect(active.map((e) => e.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(active.every((e) => e.name === 'test.echo' && e.queue === 'test_main')).toBe(true);
    expect(active.map((e) => e.data)).toEqual([{ attempt: 1 }, { attempt: 1 }, { attempt: 1 }]);
    // the worker's first take started all three: one stream entry holds them
    expect(new Set(active.map((e) => e.streamId)).size).toBe(1);
    const entries = await redis.xrange(queueKeys(config.prefix, 'test_main').events, '-', '+');
    expect(entries.filter(([, f]) => f[1] === 'active')).toHaveLength(1);
  });

  it('the stream is trimmed by length', async () => {
    const small = parseQueueConfig({ redisUrl: config.redisUrl, prefix: config.prefix, eventsMaxLen: 100 });
    const c = await QueueClient.connect(small);
    try {
      for (let i = 0; i < 5; i += 1) await c.enqueueMany(echo, Array.from({ length: 200 }, (_, n) => ({ payload: { n } })));
    } finally {
      await c.close();
    }
    const len = await redis.xlen(queueKeys(config.prefix, 'test_main').events);
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(400);
  });

  it('result() resolves at once for a job that finished before the call', async () => {
    await startWorker();
    const job = await client.enqueue(echo, { n: 2 });
    await waitFor(async () => (await job.status()) === 'succeeded', 5_000, 'the job to finish');
    const started = Date.now();
    await expect(client.job(echo, job.id).result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 2, by: 'echo' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('result() still resolves when the job\'s event never reaches the stream (trimmed)', async () => {
    const job = await client.enqueue(echo, { n: 3 });
    const pending = job.result({ timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 200));
    // Finish the job behind the stream's back, as if its event had been trimmed away.
    const k = queueKeys(config.prefix, 'test_main');
    await redis.hset(k.run(job.id), 'state', 'succeeded', 'result', JSON.stringify({ n: 3, by: 'hand' }));
    await redis.del(k.events);
    await expect(pending).resolves.toEqual({ n: 3, by: 'hand' });
  });

  it('result() is pushed: it resolves right after the job finishes', async () => {
    await startWorker();
    const job = await client.enqueue(echo, { n: 4 }, { delayMs: 300 });
    const pending = job.result({ timeoutMs: 5_000 });
    await expect(pending).resolves.toEqual({ n: 4, by: 'echo' });
    const finishedAt = Number(await redis.hget(queueKeys(config.prefix, 'test_main').run(job.id), 'finishedAt'));
    // Well under the 5 s fallback re-read: the event woke it.
    expect(Date.now() - finishedAt).toBeLessThan(1_000);
  });

  it('client.events(contract) delivers typed succeeded, failed and progress events of that contract only', async () => {
    const sub = await client.events(echo);
    const succeeded: JobSucceededEvent<typeof echo>[] = [];
    const failed: JobFailedEvent[] = [];
    const progress: JobProgressEvent[] = [];
    sub.on('succeeded', (e) => succeeded.push(e));
    sub.on('failed', (e) => failed.push(e));
    sub.on('progress', (e) => progress.push(e));
    await startWorker();
    const ok = await client.enqueue(echo, { n: 5, note: 'progress' });
    await client.enqueue(flaky, { failTimes: 0 });
    // A payload that breaks the contract, written behind the producer's back: the job fails.
    const k = queueKeys(config.prefix, 'test_main');
    await redis.hset(k.jobs, 'bad-1', JSON.stringify({ data: { name: 'test.echo', payload: { n: 'x' } }, options: { timestamp: Date.now(), retries: 0, timeout: 1000, stacktraces: [] }, status: 'created', progress: 0 }));
    await redis.lpush(k.waiting, 'bad-1');
    await waitFor(() => succeeded.length === 1 && failed.length === 1, 10_000, 'events');
    await sub.close();
    expect(succeeded[0]).toMatchObject({ id: ok.id, queue: 'test_main', result: { n: 5, by: 'echo' } });
    expect(failed[0]).toMatchObject({ id: 'bad-1', code: 'JOBQ_PAYLOAD_INVALID', willRetry: false });
    expect(progress.map((p) => p.progress)).toEqual([{ percent: 50, message: 'half way' }]);
    expect(sub.lastId).toBe(failed[0].streamId > succeeded[0].streamId ? failed[0].streamId : succeeded[0].streamId);
  });
});

describe('event subscription across a Redis restart', () => {
  let server: PrivateRedis;
  let config: QueueConfig;

  beforeAll(async () => {
    server = await PrivateRedis.start({ persistent: true });
    config = parseQueueConfig({ redisUrl: server.url, prefix: `jobq-test-sub-${randomBytes(4).toString('hex')}`, operationTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('delivers every event once: none lost, none repeated', async () => {
    const client = await QueueClient.connect(config);
    const worker = new Worker(config, { name: 'sub-worker', handlers: [echoHandler], heartbeatMs: 200 });
    await worker.start();
    const sub = await client.events(echo);
    const seen: string[] = [];
    sub.on('succeeded', (e) => seen.push(e.id));
    try {
      const first = await client.enqueueMany(echo, Array.from({ length: 20 }, (_, n) => ({ payload: { n } })));
      await waitFor(() => seen.length === 20, 10_000, 'the first 20 events');
      await server.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 300));
      await server.start();
      const second = await waitFor(
        () => client.enqueueMany(echo, Array.from({ length: 20 }, (_, n) => ({ payload: { n } }))).catch(() => null),
        15_000,
        'an enqueue after the restart',
      );
      await waitFor(() => seen.length >= 40, 20_000, 'the 20 events after the restart');
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.sort()).toEqual([...first, ...second].map((h) => h.id).sort());
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await sub.close();
      await worker.close({ graceMs: 1_000 });
      await client.close();
    }
  }, 60_000);
});
