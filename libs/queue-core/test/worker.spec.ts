import { Redis } from 'ioredis';
import {
  JobFailedError,
  QueueClient,
  UnrecoverableError,
  Worker,
  WorkerRegistry,
  globalKeys,
  handle,
  sendWorkerCommand,
  queueKeys,
  readThroughput,
  readThroughputHistory,
  durationBucket,
  estimateQuantile,
  DURATION_BUCKETS_MS,
  hourOf,
  minuteOf,
  type QueueConfig,
} from '../src';
import { echo, flaky, highJob, lowJob, slow } from './contracts';
import { waitFor } from '@jobq/testing';
import { queueSuite } from './helpers';

describe('Worker', () => {
  const suite = queueSuite('worker', { concurrency: 4, stallIntervalMs: 1_000 });
  const startWorker = suite.startWorker;
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  beforeEach(() => ({ config, client, redis } = suite));

  const echoHandler = handle(echo, (p) => ({ n: p.n, by: 'echo' }));
  const flakyHandler = handle(flaky, (p, ctx) => {
    if (ctx.attempt <= p.failTimes) throw new Error(`attempt ${ctx.attempt} fails`);
    return { attempts: ctx.attempt };
  });
  const slowHandler = handle(slow, async (p, ctx) => {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, p.ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(ctx.signal.reason);
      });
    });
    return { waited: p.ms };
  });

  it('runs a job and returns the typed result through the handle', async () => {
    await startWorker([echoHandler]);
    const job = await client.enqueue(echo, { n: 7 });
    const result = await job.result({ timeoutMs: 5_000 });
    expect(result).toEqual({ n: 7, by: 'echo' });
    expect(await job.status()).toBe('succeeded');
    const k = queueKeys(config.prefix, 'test_main');
    expect(await redis.sismember(k.succeeded, job.id)).toBe(1);
    expect(await redis.zscore(k.index('succeeded'), job.id)).not.toBeNull();
    expect(await redis.zscore(k.nameIndex('succeeded', 'test.echo'), job.id)).not.toBeNull();
    // A success leaves the stored JSON as enqueued: the state lives in the run record.
    expect(JSON.parse((await redis.hget(k.jobs, job.id))!).status).toBe('created');
    const run = await redis.hgetall(k.run(job.id));
    expect(run).toMatchObject({ state: 'succeeded', attempts: '1', worker: 'w1' });
    expect(Number(run['finishedAt'])).toBeGreaterThanOrEqual(Number(run['startedAt']));
  });

  it('fails a job whose stored payload breaks the contract, and keeps going', async () => {
    const w = await startWorker([echoHandler]);
    const events: string[] = [];
    w.on('job:finished', (e) => events.push(`${e.id}:${e.outcome}`));
    // Bypass the producer's check the way a buggy or foreign producer would.
    const k = queueKeys(config.prefix, 'test_main');
    const bad = { data: { name: 'test.echo', payload: { n: 'seven' } }, options: { timestamp: Date.now(), retries: 3, timeout: 5000, stacktraces: [] }, status: 'created', progress: 0 };
    await redis.multi().hset(k.jobs, 'bad-1', JSON.stringify(bad)).lpush(k.waiting, 'bad-1').exec();
    const good = await client.enqueue(echo, { n: 1 });
    const err = (await client.job(echo, 'bad-1').result({ timeoutMs: 5_000 }).catch((e: unknown) => e)) as JobFailedError;
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err.failureCode).toBe('JOBQ_PAYLOAD_INVALID');
    expect(err.message).toMatch(/n: /);
    await expect(good.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 1, by: 'echo' });
    // Validation failures are not retried even with retries left.
    expect(events).toContain('bad-1:failed');
  });

  it('fails a job whose handler returns a result that breaks the contract', async () => {
    await startWorker([handle(echo, () => ({ n: 1, by: 5 }) as never)]);
    const job = await client.enqueue(echo, { n: 1 });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_RESULT_INVALID' });
  });

  it('retries with backoff, then succeeds', async () => {
    await startWorker([flakyHandler]);
    const started = Date.now();
    const job = await client.enqueue(flaky, { failTimes: 2 });
    await expect(job.result({ timeoutMs: 10_000 })).resolves.toEqual({ attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400); // two fixed 200 ms waits
    const run = await redis.hgetall(queueKeys(config.prefix, 'test_main').run(job.id));
    expect(run['attempts']).toBe('3');
    const stored = JSON.parse((await redis.hget(queueKeys(config.prefix, 'test_main').jobs, job.id))!);
    expect(stored.options.retries).toBe(1);
    expect(stored.options.stacktraces).toHaveLength(2);
  });

  it('exponential backoff waits longer each time; out of retries the job fails with its error', async () => {
    await startWorker([flakyHandler]);
    const job = await client.enqueue(flaky, { failTimes: 5 }, { retries: 2, backoff: { strategy: 'exponential', delayMs: 100 } });
    const started = Date.now();
    const err = (await job.result({ timeoutMs: 10_000 }).catch((e: unknown) => e)) as JobFailedError;
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err.message).toContain('attempt 3 fails');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // 100 + 200
  });

  it('an UnrecoverableError fails at once without using retries', async () => {
    let calls = 0;
    await startWorker([
      handle(flaky, () => {
        calls += 1;
        throw new UnrecoverableError('receiver said 410 Gone', 'HTTP_410');
      }),
    ]);
    const job = await client.enqueue(flaky, { failTimes: 0 });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'HTTP_410' });
    expect(calls).toBe(1);
  });

  it('enforces timeouts for real: the job fails and the handler is aborted', async () => {
    let abortedWith: unknown;
    await startWorker([
      handle(slow, async (_p, ctx) => {
        await new Promise((r) => ctx.signal.addEventListener('abort', r));
        abortedWith = ctx.signal.reason;
        return { waited: 0 };
      }),
    ]);
    const job = await client.enqueue(slow, { ms: 10_000 }, { timeoutMs: 200 });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_JOB_TIMEOUT' });
    expect((abortedWith as Error).message).toMatch(/timed out after 200 ms/);
  });

  it('reports progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await startWorker([
      handle(slow, async (_p, ctx) => {
        await ctx.progress(40, 'two of five');
        await gate;
        return { waited: 0 };
      }),
    ]);
    const job = await client.enqueue(slow, { ms: 0 });
    await waitFor(() => job.progress(), 5_000, 'progress');
    expect(await job.progress()).toEqual({ percent: 40, message: 'two of five' });
    expect(await job.status()).toBe('active');
    release();
    await job.result({ timeoutMs: 5_000 });
  });

  it('stores ctx.log lines per job, each bounded, the newest 200 kept, written before the outcome', async () => {
    await startWorker([
      handle(echo, (p, ctx) => {
        for (let i = 0; i < p.n; i += 1) ctx.log(`line ${i}`);
        ctx.log('x'.repeat(5 * 1024 * 1024));
        return { n: p.n, by: 'echo' };
      }),
    ]);
    const k = queueKeys(config.prefix, 'test_main');
    const small = await client.enqueue(echo, { n: 3 });
    await small.result({ timeoutMs: 5_000 });
    // The outcome is recorded after the lines: they are all there at once.
    const lines = await redis.lrange(k.log(small.id), 0, -1);
    expect(lines.slice(0, 3).map((l) => l.replace(/^\d+ /, ''))).toEqual(['line 0', 'line 1', 'line 2']);
    expect(Number(lines[0].split(' ')[0])).toBeGreaterThan(Date.now() - 60_000);
    expect(lines[3].length).toBeLessThan(1_200);
    expect(lines[3]).toMatch(/truncated, \d+ more characters/);

    const chatty = await client.enqueue(echo, { n: 5_000 });
    await chatty.result({ timeoutMs: 10_000 });
    const kept = await redis.lrange(k.log(chatty.id), 0, -1);
    expect(kept).toHaveLength(200);
    expect(kept[0]).toMatch(/ line 4801$/);
    expect(await redis.memory('USAGE', k.log(chatty.id))).toBeLessThan(64 * 1024);
  });

  it('log lines go with the job when retention deletes it', async () => {
    await startWorker(
      [
        handle(echo, (p, ctx) => {
          ctx.log('hello');
          return { n: p.n, by: 'echo' };
        }),
      ],
      { sweepIntervalMs: 200 },
    );
    const job = await client.enqueue(echo, { n: 1 }, { keepResultSeconds: 1 });
    await job.result({ timeoutMs: 5_000 });
    const k = queueKeys(config.prefix, 'test_main');
    expect(await redis.llen(k.log(job.id))).toBe(1);
    await waitFor(async () => (await redis.hexists(k.jobs, job.id)) === 0, 5_000, 'sweep');
    expect(await redis.exists(k.log(job.id))).toBe(0);
  });

  it('a handler that throws a non-Error or rejects never takes the worker down', async () => {
    const w = await startWorker([
      handle(echo, (p) => {
        if (p.n === 1) throw 'a string';
        if (p.n === 2) return Promise.reject(undefined);
        return { n: p.n, by: 'ok' };
      }),
    ]);
    const [a, b, c] = await client.enqueueMany(echo, [{ payload: { n: 1 } }, { payload: { n: 2 } }, { payload: { n: 3 } }]);
    await expect(a.result()).rejects.toMatchObject({ failureCode: 'JOBQ_HANDLER_ERROR' });
    await expect(b.result()).rejects.toBeInstanceOf(JobFailedError);
    await expect(c.result()).resolves.toEqual({ n: 3, by: 'ok' });
    expect(w.info.failed).toBe(2);
  });


  it('records results and errors holding lone UTF-16 surrogates, in a batch with other jobs', async () => {
    await startWorker([
      handle(echo, (p) => {
        if (p.n === 1) throw new Error('broken \uD800 text');
        return { n: p.n, by: p.n === 0 ? 'half \uDC00 pair' : 'whole \u{1F600} \\ud800 text' };
      }),
    ]);
    const [a, b, c] = await client.enqueueMany(echo, [{ payload: { n: 0 } }, { payload: { n: 1 } }, { payload: { n: 2 } }]);
    // a result is JSON, where a lone surrogate is an escape: it comes back as it was
    await expect(a.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 0, by: 'half \uDC00 pair' });
    // an error message is text: stored as UTF-8, the lone surrogate becomes U+FFFD
    await expect(b.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ message: expect.stringContaining('broken \uFFFD text') });
    await expect(c.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 2, by: 'whole \u{1F600} \\ud800 text' });
  });
  it('runs delayed jobs when they are due', async () => {
    await startWorker([echoHandler]);
    const job = await client.enqueue(echo, { n: 1 }, { delayMs: 400 });
    expect(await job.status()).toBe('delayed');
    const started = Date.now();
    await job.result({ timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('serves queues in priority order', async () => {
    const order: string[] = [];
    const lows = await client.enqueueMany(lowJob, Array.from({ length: 20 }, (_, i) => ({ payload: { i } })));
    const highs = await client.enqueueMany(highJob, Array.from({ length: 5 }, (_, i) => ({ payload: { i } })));
    await startWorker(
      [
        handle(lowJob, (p) => (order.push(`low${p.i}`), p)),
        handle(highJob, (p) => (order.push(`high${p.i}`), p)),
      ],
      { queues: ['test_high', 'test_low'], concurrency: 1 },
    );
    await Promise.all([...lows, ...highs].map((j) => j.result({ timeoutMs: 10_000 })));
    expect(order.slice(0, 5)).toEqual(['high0', 'high1', 'high2', 'high3', 'high4']);
    expect(order.slice(5, 8)).toEqual(['low0', 'low1', 'low2']);
  });

  it('processes 10,000 bulk-enqueued jobs exactly once each', async () => {
    const seen = new Map<number, number>();
    await startWorker([handle(echo, (p) => (seen.set(p.n, (seen.get(p.n) ?? 0) + 1), { n: p.n, by: 'a' }))], { concurrency: 50 });
    await startWorker([handle(echo, (p) => (seen.set(p.n, (seen.get(p.n) ?? 0) + 1), { n: p.n, by: 'b' }))], { concurrency: 50 });
    const jobs = await client.enqueueMany(echo, Array.from({ length: 10_000 }, (_, n) => ({ payload: { n } })));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(10_000);
    const k = queueKeys(config.prefix, 'test_main');
    await waitFor(async () => (await redis.scard(k.succeeded)) === 10_000, 60_000, 'all 10,000 jobs');
    expect(seen.size).toBe(10_000);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    expect(await redis.llen(k.active)).toBe(0);
    const tput = await readThroughput(redis, config.prefix, 'test_main', 2);
    expect(tput.reduce((s, p) => s + p.processed, 0)).toBe(10_000);
  }, 90_000);

  it('registers in the worker registry and deregisters on close', async () => {
    const w = await startWorker([slowHandler]);
    const registry = new WorkerRegistry(redis, config.prefix);
    const job = await client.enqueue(slow, { ms: 300 });
    const busy = await waitFor(async () => (await registry.list()).find((i) => i.state === 'busy'), 5_000, 'busy worker');
    expect(busy).toMatchObject({ name: 'w1', queues: ['test_main'], pid: process.pid, concurrency: 4 });
    expect(busy.running[0]).toMatchObject({ id: job.id, name: 'test.slow', queue: 'test_main' });
    await job.result();
    await waitFor(async () => (await registry.get('w1'))?.processed === 1, 5_000, 'processed count');
    const summary = await w.close({ graceMs: 1_000 });
    expect(summary).toEqual({ completed: 0, requeued: 0 });
    expect(await registry.list()).toEqual([]);
  });

  it('close() lets running jobs finish within the grace period', async () => {
    const w = await startWorker([slowHandler]);
    // The handler has started (a Redis status of active can be seen a moment
    // before this same process has read the fetch reply and started the job).
    const running = new Promise((r) => w.once('job:started', r));
    const job = await client.enqueue(slow, { ms: 400 });
    await running;
    expect(await w.close({ graceMs: 5_000 })).toEqual({ completed: 1, requeued: 0 });
    expect(await job.status()).toBe('succeeded');
  });

  it('stopNow() aborts running jobs and puts them back to waiting, attempt not counted', async () => {
    const w = await startWorker([slowHandler]);
    // The handler has started (a Redis status of active can be seen a moment
    // before this same process has read the fetch reply and started the job).
    const running = new Promise((r) => w.once('job:started', r));
    const job = await client.enqueue(slow, { ms: 30_000 });
    await running;
    expect(await w.stopNow()).toEqual({ completed: 0, requeued: 1 });
    const k = queueKeys(config.prefix, 'test_main');
    expect(await job.status()).toBe('waiting');
    expect(await redis.lrange(k.waiting, -1, -1)).toEqual([job.id]); // next in line
    expect(await redis.hget(k.run(job.id), 'attempts')).toBe('0');
    expect(await redis.llen(k.active)).toBe(0);
    // Another worker picks it up.
    await startWorker([handle(slow, () => ({ waited: -1 }))]);
    await expect(job.result({ timeoutMs: 5_000 })).resolves.toEqual({ waited: -1 });
  });

  it('a second stop during a graceful close cuts the grace short and gives the job back', async () => {
    const w = await startWorker([slowHandler]);
    // The handler has started (a Redis status of active can be seen a moment
    // before this same process has read the fetch reply and started the job).
    const running = new Promise((r) => w.once('job:started', r));
    const job = await client.enqueue(slow, { ms: 30_000 });
    await running;
    const started = Date.now();
    const graceful = w.close({ graceMs: 20_000 });
    await new Promise((r) => setTimeout(r, 100));
    const forced = w.stopNow();
    expect(await forced).toEqual({ completed: 0, requeued: 1 });
    expect(await graceful).toEqual({ completed: 0, requeued: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await job.status()).toBe('waiting');
  });

  it('deletes finished jobs everywhere once their retention has passed', async () => {
    await startWorker([echoHandler], { sweepIntervalMs: 200 });
    const job = await client.enqueue(echo, { n: 1 }, { keepResultSeconds: 1 });
    await job.result();
    const k = queueKeys(config.prefix, 'test_main');
    await waitFor(async () => (await redis.hexists(k.jobs, job.id)) === 0, 5_000, 'sweep');
    expect(await redis.exists(k.run(job.id), k.index('succeeded'), k.nameIndex('succeeded', 'test.echo'), k.expiry)).toBe(0);
    expect(await redis.sismember(k.succeeded, job.id)).toBe(0);
    expect(await job.status()).toBe('missing');
  });

  it('keeps at most maxFinishedJobs per finished state, deleting the oldest', async () => {
    const spaced = handle(echo, async (p) => {
      await new Promise((r) => setTimeout(r, 3)); // distinct finish times
      return { n: p.n, by: 'spaced' };
    });
    const w = await startWorker([spaced], { concurrency: 1, sweepIntervalMs: 200, maxFinishedJobs: 5 });
    const order: string[] = [];
    w.on('job:finished', (e) => order.push(e.id));
    const jobs = await client.enqueueMany(echo, Array.from({ length: 12 }, (_, n) => ({ payload: { n } })));
    await Promise.all(jobs.map((j) => j.result()));
    const k = queueKeys(config.prefix, 'test_main');
    await waitFor(async () => (await redis.zcard(k.index('succeeded'))) === 5, 5_000, 'trim to 5');
    expect(new Set(await redis.zrange(k.index('succeeded'), 0, -1))).toEqual(new Set(order.slice(-5)));
    expect(await redis.scard(k.succeeded)).toBe(5);
    expect(await redis.hlen(k.jobs)).toBe(5);
    expect(await redis.zcard(k.nameIndex('succeeded', 'test.echo'))).toBe(5);
    expect(await redis.exists(k.run(order[0]))).toBe(0);
  });

  it('a quiet command stops new jobs, lets the running one finish and shows quiet in the registry', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = await startWorker([
      handle(slow, async () => {
        await gate;
        return { waited: 0 };
      }),
      echoHandler,
    ]);
    const running = await client.enqueue(slow, { ms: 0 });
    await waitFor(async () => (await running.status()) === 'active', 5_000, 'running');
    expect(await sendWorkerCommand(redis, config.prefix, 'w1', 'quiet')).toBe(true);
    expect(await sendWorkerCommand(redis, config.prefix, 'nobody', 'quiet')).toBe(false);
    expect(await redis.exists(globalKeys(config.prefix).control('nobody'))).toBe(0);
    await waitFor(async () => (await new WorkerRegistry(redis, config.prefix).get('w1'))?.state === 'quiet', 3_000, 'quiet in the registry');
    expect(w.isQuiet).toBe(true);
    const later = await client.enqueue(echo, { n: 1 });
    release();
    await running.result({ timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 600));
    expect(await later.status()).toBe('waiting');
    // The wake-up token is left for other workers.
    const other = await startWorker([echoHandler]);
    await expect(later.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 1, by: 'echo' });
    expect(other.isQuiet).toBe(false);
    expect(await redis.exists(globalKeys(config.prefix).control('w1'))).toBe(0);
  });

  it('a stop command closes the worker gracefully (or tells its stop-requested listener)', async () => {
    const w = await startWorker([echoHandler]);
    const closed = new Promise<void>((r) => w.once('quiet', () => r()));
    expect(await sendWorkerCommand(redis, config.prefix, 'w1', 'stop')).toBe(true);
    await closed;
    await waitFor(async () => (await new WorkerRegistry(redis, config.prefix).get('w1')) === null, 3_000, 'deregistered');

    const listened = await startWorker([echoHandler]);
    const asked = new Promise<void>((r) => listened.once('stop-requested', () => r()));
    expect(await sendWorkerCommand(redis, config.prefix, 'w2', 'stop')).toBe(true);
    await asked;
    // The listener decides: the worker is quiet and still registered until it closes.
    expect(listened.isQuiet).toBe(true);
    expect((await new WorkerRegistry(redis, config.prefix).get('w2'))?.name).toBe('w2');
  });

  it('ignores commands left for an earlier worker of the same name', async () => {
    await redis.hset(globalKeys(config.prefix).control('w1'), 'stop', '1');
    const w = await startWorker([echoHandler]);
    await new Promise((r) => setTimeout(r, 700));
    expect(w.isQuiet).toBe(false);
    await expect((await client.enqueue(echo, { n: 2 })).result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 2, by: 'echo' });
  });

  it('keeps 24 h by minute and 30 days by hour of history, with per-name counts, failures and duration percentiles', async () => {
    await startWorker([
      handle(echo, (p) => {
        if (p.n < 0) throw new UnrecoverableError('negative');
        return { n: p.n, by: 'echo' };
      }),
      slowHandler,
      flakyHandler,
    ]);
    const jobs = [
      ...(await Promise.all(Array.from({ length: 20 }, (_, n) => client.enqueue(echo, { n })))),
      ...(await Promise.all(Array.from({ length: 5 }, () => client.enqueue(echo, { n: -1 })))),
      ...(await Promise.all(Array.from({ length: 10 }, () => client.enqueue(slow, { ms: 30 })))),
    ];
    await Promise.all(jobs.map((j) => j.result({ timeoutMs: 10_000 }).catch(() => undefined)));
    const k = queueKeys(config.prefix, 'test_main');

    const day = await readThroughputHistory(redis, config.prefix, 'test_main', 'day');
    expect(day.points).toHaveLength(24 * 60);
    expect(day.points[1].start - day.points[0].start).toBe(60_000);
    expect(day.points.reduce((s, p) => s + p.processed, 0)).toBe(35);
    expect(day.points.reduce((s, p) => s + p.failed, 0)).toBe(5);
    expect(day.names.map((n) => [n.name, n.processed, n.failed])).toEqual([
      ['test.echo', 25, 5],
      ['test.slow', 10, 0],
    ]);
    const slowRow = day.names[1];
    expect(slowRow.p50Ms).toBeGreaterThanOrEqual(20);
    expect(slowRow.p50Ms).toBeLessThanOrEqual(200);
    expect(slowRow.p99Ms).toBeGreaterThanOrEqual(slowRow.p50Ms!);
    // 30 ms sleeps, timed with Date.now() (whole ms, a timer may fire within its first ms)
    expect(slowRow.meanMs).toBeGreaterThanOrEqual(29);
    expect(day.names[0].p50Ms).toBeLessThan(20);

    const month = await readThroughputHistory(redis, config.prefix, 'test_main', 'month');
    expect(month.points).toHaveLength(30 * 24);
    expect(month.points[1].start - month.points[0].start).toBe(3_600_000);
    expect(month.points.reduce((s, p) => s + p.processed, 0)).toBe(35);
    expect(month.names).toEqual(day.names);
    // Bounded in Redis: every bucket expires.
    const hourKey = k.throughputHour(hourOf(Date.now()));
    const ttl = await redis.ttl(hourKey);
    expect(ttl).toBeGreaterThan(30 * 86_400);
    expect(ttl).toBeLessThanOrEqual(31 * 86_400);
    expect(await redis.ttl(k.throughput(minuteOf(Date.now())))).toBeGreaterThan(24 * 3_600);

    // At most 50 names an hour: the rest are counted as (other).
    await redis.hset(hourKey, 'names', '50');
    await (await client.enqueue(flaky, { failTimes: 0 })).result({ timeoutMs: 5_000 });
    expect(await redis.hget(hourKey, 'c:(other)')).toBe('1');
    expect(await redis.hexists(hourKey, 'c:test.flaky')).toBe(0);
  });

  it('estimates quantiles from log-scale duration buckets', () => {
    expect(durationBucket(0)).toBe(0);
    expect(durationBucket(1)).toBe(0);
    expect(durationBucket(30)).toBe(5);
    expect(durationBucket(10_000_000)).toBe(DURATION_BUCKETS_MS.length);
    const buckets = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
    expect(estimateQuantile(buckets, 0.5)).toBeNull();
    buckets[5] = 100; // (20, 50]
    expect(estimateQuantile(buckets, 0.5)).toBe(35);
    buckets[9] = 100; // (500, 1000]
    expect(estimateQuantile(buckets, 0.5)).toBe(50);
    expect(estimateQuantile(buckets, 0.99)).toBe(990);
    buckets[DURATION_BUCKETS_MS.length] = 1_000;
    expect(estimateQuantile(buckets, 0.99)).toBe(1_000_000);
  });

  it('rejects handlers whose queue the worker does not serve', () => {
    expect(() => new Worker(config, { name: 'x', handlers: [echoHandler], queues: ['other'] })).toThrow(/would never run/);
    expect(() => new Worker(config, { name: 'bad name', handlers: [echoHandler] })).toThrow(/name/);
  });
});
