import { defineJob, z } from '@jobq/job-defs';
import { waitFor } from '@jobq/testing';
import type { Redis } from 'ioredis';
import {
  handle,
  JobAlreadyFinishedError,
  JobCanceledError,
  JobNotFoundError,
  QueueAdmin,
  QueueInspector,
  queueKeys,
  readJobEvents,
  type JobFinishedEvent,
  type QueueClient,
  type QueueConfig,
} from '../src';
import { echo } from './contracts';
import { queueSuite } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries left, so a test can see a canceled job is not retried. */
const patient = defineJob({
  name: 'test.patient',
  queue: 'test_main',
  description: 'Runs until told to stop (or ignores being told)',
  payload: z.object({ honor: z.boolean(), ms: z.number().int() }),
  result: z.object({ done: z.boolean() }),
  defaults: { retries: 3, timeoutMs: 30_000 },
});

describe('cancel a job', () => {
  // A short heartbeat: busy workers read their commands with each heartbeat.
  const suite = queueSuite('cancel', { safetyPollMs: 60_000, heartbeatMs: 100 });
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  let admin: QueueAdmin;
  let inspector: QueueInspector;
  beforeEach(() => {
    ({ config, client, redis } = suite);
    admin = new QueueAdmin(redis, config.prefix);
    inspector = new QueueInspector(redis, config.prefix);
    ran.length = 0;
  });
  const ran: string[] = [];
  const echoHandler = handle(echo, (p, ctx) => (ran.push(ctx.id), { n: p.n, by: 'echo' }));

  it('a waiting job and a delayed job are canceled at once, never run, and result() rejects with JobCanceledError', async () => {
    const sub = await client.events(echo);
    const canceledEvents: { id: string; from: string }[] = [];
    sub.on('canceled', (e) => canceledEvents.push({ id: e.id, from: e.from }));
    const waiting = await client.enqueue(echo, { n: 1 }, { keepFailedSeconds: 120 });
    const delayed = await client.enqueue(echo, { n: 2 }, { delayMs: 300 });
    const other = await client.enqueue(echo, { n: 3 });
    const before = Date.now();
    expect(await admin.cancelJob('test_main', waiting.id)).toEqual({ state: 'canceled', from: 'waiting' });
    expect(await delayed.cancel()).toEqual({ state: 'canceled', from: 'delayed' });
    expect(await waiting.status()).toBe('canceled');
    expect(await delayed.status()).toBe('canceled');
    await expect(waiting.result({ timeoutMs: 2_000 })).rejects.toBeInstanceOf(JobCanceledError);
    await expect(delayed.result({ timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'JOBQ_JOB_CANCELED' });

    await suite.startWorker([echoHandler]);
    await other.result({ timeoutMs: 5_000 });
    await sleep(500);
    expect(ran).toEqual([other.id]);

    const [counts] = await inspector.counts(['test_main']);
    expect(counts).toMatchObject({ waiting: 0, delayed: 0, canceled: 2, succeeded: 1 });
    const page = await inspector.listJobs('test_main', 'canceled');
    expect(page.jobs.map((j) => j.id).sort()).toEqual([waiting.id, delayed.id].sort());
    expect((await inspector.listJobs('test_main', 'canceled', { name: 'test.echo' })).total).toBe(2);
    expect((await inspector.getJob('test_main', waiting.id))?.state).toBe('canceled');
    expect(await inspector.findJob(delayed.id)).toEqual([{ queue: 'test_main', id: delayed.id, state: 'canceled', name: 'test.echo' }]);
    // Kept like a failed job: its own keepFailedSeconds (120 s), else the default 7 days.
    const k = queueKeys(config.prefix, 'test_main');
    const keepWaiting = Number(await redis.zscore(k.expiry, waiting.id)) - before;
    expect(keepWaiting).toBeGreaterThanOrEqual(119_000);
    expect(keepWaiting).toBeLessThan(125_000);
    expect(Number(await redis.zscore(k.expiry, delayed.id)) - before).toBeGreaterThan(6 * 86_400_000);
    const events = await readJobEvents(redis, config.prefix, new Map([['test_main', '0-0']]), { blockMs: 0, count: 1_000 });
    await waitFor(async () => canceledEvents.length === 2, { what: 'the typed canceled events' });
    expect(canceledEvents).toEqual([
      { id: waiting.id, from: 'waiting' },
      { id: delayed.id, from: 'delayed' },
    ]);
    await sub.close();
    expect(events.filter((e) => e.event === 'canceled').map((e) => [e.id, e.data])).toEqual([
      [waiting.id, { from: 'waiting' }],
      [delayed.id, { from: 'delayed' }],
    ]);
  });

  it.each([
    ['honors its signal', true],
    ['ignores its signal and succeeds', false],
  ])('a running job whose handler %s ends canceled, not retried', async (_label, honor) => {
    const seen: unknown[] = [];
    const startedIds: string[] = [];
    const w = await suite.startWorker([
      handle(patient, async (p, ctx) => {
        startedIds.push(ctx.id);
        if (!p.honor) {
          await sleep(p.ms);
          return { done: true };
        }
        await new Promise<void>((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            seen.push(ctx.signal.reason);
            reject(ctx.signal.reason as Error);
          }),
        );
        return { done: false };
      }),
    ]);
    const finished: JobFinishedEvent[] = [];
    w.on('job:finished', (e) => finished.push(e));
    const job = await client.enqueue(patient, { honor, ms: 800 });
    await waitFor(async () => startedIds.length === 1, { what: 'the handler to start' });
    const outcome = await job.cancel();
    expect(outcome).toEqual({ state: 'cancel-requested', worker: w.name, notified: true });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(JobCanceledError);
    if (honor) expect(seen[0]).toBeInstanceOf(JobCanceledError);
    await waitFor(async () => finished.length === 1, { what: 'the worker to record the end' });
    expect(finished[0]).toMatchObject({ id: job.id, outcome: 'canceled' });
    await sleep(300);
    expect(startedIds).toEqual([job.id]);
    expect(await job.status()).toBe('canceled');
    const k = queueKeys(config.prefix, 'test_main');
    expect(await redis.llen(k.waiting)).toBe(0);
    expect(await redis.zcard(k.delayed)).toBe(0);
    expect(await redis.zscore(k.index('canceled'), job.id)).not.toBeNull();
    expect(await redis.sismember(k.failed, job.id)).toBe(0);
    expect(await redis.sismember(k.succeeded, job.id)).toBe(0);
    await expect(job.cancel()).rejects.toMatchObject({ code: 'JOBQ_JOB_ALREADY_FINISHED', state: 'canceled' });
  });

  it('a running job ends canceled even when its worker never reads the cancel (the finish script checks the mark)', async () => {
    const startedIds: string[] = [];
    // Busy workers read commands with their heartbeat: one a minute here, so only the mark can cancel the job.
    // One slot, busy: the worker is not blocked on its command list either.
    await suite.startWorker([handle(patient, async (p, ctx) => (startedIds.push(ctx.id), await sleep(p.ms), { done: true }))], { heartbeatMs: 60_000, concurrency: 1 });
    const job = await client.enqueue(patient, { honor: false, ms: 500 });
    await waitFor(async () => startedIds.length === 1, { what: 'the handler to start' });
    expect(await job.cancel()).toMatchObject({ state: 'cancel-requested' });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(JobCanceledError);
    expect(startedIds).toEqual([job.id]);
    expect(await job.status()).toBe('canceled');
    // The handler ran to its end (nothing aborted it) and still the job ended canceled.
    expect(Number(await redis.hget(queueKeys(config.prefix, 'test_main').run(job.id), 'durationMs'))).toBeGreaterThanOrEqual(450);
  });

  it('a worker with a free slot reads the cancel at once (it is blocked on its command list), not at its next heartbeat', async () => {
    const seen: unknown[] = [];
    await suite.startWorker(
      [
        handle(patient, (_p, ctx) =>
          new Promise((_, reject) => ctx.signal.addEventListener('abort', () => (seen.push(ctx.signal.reason), reject(ctx.signal.reason as Error)))),
        ),
      ],
      { heartbeatMs: 60_000, concurrency: 2 },
    );
    const job = await client.enqueue(patient, { honor: true, ms: 0 });
    await waitFor(async () => (await job.status()) === 'active', { what: 'the job to run' });
    await sleep(200); // the worker is back in its blocking wait
    expect(await job.cancel()).toMatchObject({ state: 'cancel-requested', notified: true });
    await expect(job.result({ timeoutMs: 3_000 })).rejects.toBeInstanceOf(JobCanceledError);
    expect(seen[0]).toBeInstanceOf(JobCanceledError);
  });

  it('a job canceled while its worker was dead ends canceled at the stall check, instead of running again', async () => {
    const k = queueKeys(config.prefix, 'test_main');
    await client.pause('test_main');
    const job = await client.enqueue(patient, { honor: true, ms: 0 });
    // As a worker that took the job and was killed leaves it: active, in the stalling set, no heartbeat claim.
    await redis.rpoplpush(k.waiting, k.active);
    await redis.sadd(k.stalling, job.id);
    await redis.hset(k.run(job.id), 'state', 'active', 'attempts', 1, 'worker', 'dead-worker');
    expect(await job.cancel()).toEqual({ state: 'cancel-requested', worker: 'dead-worker', notified: false });
    await client.resume('test_main');
    const ran: string[] = [];
    await suite.startWorker([handle(patient, (_p, ctx) => (ran.push(ctx.id), { done: true }))], { stallIntervalMs: 200 });
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(JobCanceledError);
    expect(await redis.llen(k.active)).toBe(0);
    expect(await redis.llen(k.waiting)).toBe(0);
    await sleep(300);
    expect(ran).toEqual([]);
  });

  it('canceling a finished or unknown job is a typed error and changes nothing', async () => {
    await suite.startWorker([echoHandler]);
    const done = await client.enqueue(echo, { n: 1 });
    await done.result({ timeoutMs: 5_000 });
    const err = await admin.cancelJob('test_main', done.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobAlreadyFinishedError);
    expect(err).toMatchObject({ code: 'JOBQ_JOB_ALREADY_FINISHED', state: 'succeeded' });
    expect(await done.status()).toBe('succeeded');
    await expect(admin.cancelJob('test_main', 'no-such-job')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(client.job(echo, 'no-such-job').cancel()).rejects.toMatchObject({ code: 'JOBQ_JOB_NOT_FOUND' });
  });

  it('canceled jobs go with retention (expired and over the count cap) and with remove', async () => {
    const k = queueKeys(config.prefix, 'test_main');
    const jobs = await client.enqueueMany(echo, [1, 2, 3, 4].map((n) => ({ payload: { n } })));
    for (const j of jobs) await j.cancel();
    // The first one's keep time is over; the count cap (2) then drops the oldest of the rest.
    await redis.zadd(k.expiry, Date.now() - 1_000, jobs[0].id);
    await admin.removeJob('test_main', jobs[3].id);
    expect(await redis.zcard(k.index('canceled'))).toBe(3);
    await suite.startWorker([echoHandler], { sweepIntervalMs: 100, maxFinishedJobs: 1 });
    await waitFor(async () => (await redis.zcard(k.index('canceled'))) === 1, { what: 'the sweep' });
    expect(await redis.hexists(k.jobs, jobs[0].id)).toBe(0);
    expect(await redis.exists(k.run(jobs[0].id))).toBe(0);
    expect(await redis.zrange(k.index('canceled'), 0, -1)).toEqual([jobs[2].id]);
    expect(await redis.zcard(k.nameIndex('canceled', 'test.echo'))).toBe(1);
    expect(await admin.cleanOlderThan('test_main', 'canceled', 3_600_000)).toBe(0);
    expect(await admin.emptyState('test_main', 'canceled')).toBe(1);
    expect(await redis.zcard(k.index('canceled'))).toBe(0);
    const later = await client.enqueue(echo, { n: 5 }, { delayMs: 60_000 });
    await later.cancel();
    expect(await admin.cleanOlderThan('test_main', 'canceled', 0, Date.now() + 1)).toBe(1);
    expect(await redis.hexists(k.jobs, later.id)).toBe(0);
  });
});
