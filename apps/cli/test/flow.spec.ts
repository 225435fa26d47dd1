// `jobq pause`, `resume`, `limit` and `cancel`: the built binary against real
// Redis with a real worker, under a key prefix of its own.
import { defineJob, z } from '@jobq/job-defs';
import { handle, JobCanceledError, parseQueueConfig, QueueClient, queueKeys, Worker } from '@jobq/queue-core';
import { deletePrefix, requireProgram, TEST_REDIS_URL as REDIS_URL, testPrefix, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { assertBuilt, runCli, runCliOnTty } from './run-cli';

const PREFIX = testPrefix('cli-flow');
const QUEUE = 'cli_flow';
const config = parseQueueConfig({ redisUrl: REDIS_URL, prefix: PREFIX });
const keys = queueKeys(PREFIX, QUEUE);
const env = { REDIS_URL, JOBQ_PREFIX: PREFIX };
const cli = (...args: string[]) => runCli(args, env);

const flowJob = defineJob({
  name: 'test.cliflow',
  queue: QUEUE,
  description: 'Waits, honouring its signal',
  payload: z.object({ ms: z.number().int().min(0) }),
  result: z.object({ ms: z.number().int() }),
  defaults: { retries: 2, timeoutMs: 60_000 },
});

let redis: Redis;
let client: QueueClient;
let worker: Worker;

beforeAll(async () => {
  assertBuilt();
  requireProgram('script', 'bsdutils');
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  client = await QueueClient.connect(config);
  worker = new Worker(config, {
    name: 'cli-flow-worker',
    queues: [QUEUE],
    heartbeatMs: 200,
    handlers: [
      handle(flowJob, async (p, ctx) => {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, p.ms);
          ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.signal.reason as Error)));
        });
        return { ms: p.ms };
      }),
    ],
  });
  await worker.start();
  await (await client.enqueue(flowJob, { ms: 0 })).result({ timeoutMs: 5_000 });
});

afterAll(async () => {
  await worker?.close({ graceMs: 1_000 });
  await client?.close();
  if (redis) {
    await deletePrefix(redis, PREFIX);
    redis.disconnect();
  }
});

describe('pause and resume', () => {
  it('pauses (jobs wait, info says paused) and resumes (they run)', async () => {
    const paused = await cli('pause', QUEUE, '--json');
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toEqual({ queue: QUEUE, paused: true, changed: true });
    expect((await cli('pause', QUEUE)).stdout).toBe(`${QUEUE} was already paused.\n`);
    const job = await client.enqueue(flowJob, { ms: 0 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await job.status()).toBe('waiting');
    expect(JSON.parse((await cli('info', '--json')).stdout).queues.find((q: { queue: string }) => q.queue === QUEUE)).toMatchObject({ waiting: 1, paused: true });
    expect((await cli('info')).stdout).toContain(`${QUEUE} (paused)`);
    const resumed = await cli('resume', QUEUE);
    expect(resumed).toMatchObject({ code: 0, stdout: `Resumed ${QUEUE}.\n` });
    await job.result({ timeoutMs: 5_000 });
    expect(JSON.parse((await cli('resume', QUEUE, '--json')).stdout)).toEqual({ queue: QUEUE, paused: false, changed: false });
  });

  it('exits 3 for an unknown queue and 2 for a bad name', async () => {
    expect((await cli('pause', 'no_such_queue')).code).toBe(3);
    expect((await cli('resume', 'bad queue!')).code).toBe(2);
  });
});

describe('limit', () => {
  it('sets, shows and clears a rate limit', async () => {
    const set = await cli('limit', QUEUE, '50/1s', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ queue: QUEUE, rateLimit: { max: 50, intervalMs: 1_000 } });
    expect((await cli('limit', QUEUE)).stdout).toBe(`${QUEUE}: at most 50 job starts per 1000 ms.\n`);
    expect(await redis.hmget(keys.flow, 'limitMax', 'limitMs')).toEqual(['50', '1000']);
    expect((await cli('info')).stdout).toContain(`${QUEUE} (50/1000ms)`);
    expect((await cli('limit', QUEUE, '--clear')).stdout).toBe(`${QUEUE}: no rate limit now.\n`);
    expect(JSON.parse((await cli('limit', QUEUE, '--json')).stdout)).toEqual({ queue: QUEUE, rateLimit: null });
  });

  it('exits 2 for a bad limit, or a limit with --clear, and changes nothing', async () => {
    for (const args of [['limit', QUEUE, '50 per second'], ['limit', QUEUE, '0/1s'], ['limit', QUEUE, '5/1s', '--clear']]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await redis.hexists(keys.flow, 'limitMax')).toBe(0);
  });
});

describe('cancel', () => {
  it('cancels a waiting job with --yes; refuses without it off a terminal', async () => {
    await cli('pause', QUEUE);
    const job = await client.enqueue(flowJob, { ms: 0 });
    const refused = await cli('cancel', QUEUE, job.id);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes to confirm');
    const r = await cli('cancel', QUEUE, job.id, '--yes', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ queue: QUEUE, id: job.id, state: 'canceled', from: 'waiting' });
    await cli('resume', QUEUE);
    await expect(job.result({ timeoutMs: 2_000 })).rejects.toBeInstanceOf(JobCanceledError);
    expect(JSON.parse((await cli('jobs', QUEUE, '--state', 'canceled', '--json')).stdout).jobs.map((j: { id: string }) => j.id)).toContain(job.id);
  });

  it('cancels a running job: its worker stops it and it ends canceled, not retried', async () => {
    const job = await client.enqueue(flowJob, { ms: 30_000 });
    await waitFor(async () => (await job.status()) === 'active', { what: 'the job to run' });
    const r = await cli('cancel', QUEUE, job.id, '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Job ${job.id} of ${QUEUE} is running: worker cli-flow-worker was told to stop it; it ends canceled.\n`);
    await expect(job.result({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(JobCanceledError);
    expect(await redis.hget(keys.run(job.id), 'attempts')).toBe('1');
  });

  it('exits 4 for a finished job and 3 for an unknown one, one line each (JSON with --json)', async () => {
    const done = await client.enqueue(flowJob, { ms: 0 });
    await done.result({ timeoutMs: 5_000 });
    const finished = await cli('cancel', QUEUE, done.id, '--yes');
    expect(finished.code).toBe(4);
    expect(finished.stderr).toBe(`jobq: job "${done.id}" on queue "${QUEUE}" already succeeded, so it cannot be canceled\n`);
    const json = await cli('cancel', QUEUE, done.id, '--yes', '--json');
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'ALREADY_FINISHED', exitCode: 4, message: expect.stringContaining('already succeeded') } });
    expect((await cli('cancel', QUEUE, '999999', '--yes')).code).toBe(3);
    expect(await done.status()).toBe('succeeded');
  });

  it('asks on a terminal: "n" aborts (exit 1), "y" cancels', async () => {
    const job = await client.enqueue(flowJob, { ms: 0 }, { delayMs: 600_000 });
    const no = await runCliOnTty(['cancel', QUEUE, job.id], env, 'n\n');
    expect(no.stdout).toContain(`Cancel delayed job ${job.id} (test.cliflow) of ${QUEUE}? [y/N]`);
    expect(no.code).toBe(1);
    expect(await job.status()).toBe('delayed');
    const yes = await runCliOnTty(['cancel', QUEUE, job.id], env, 'y\n');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`Canceled delayed job ${job.id} of ${QUEUE}.`);
    expect(await job.status()).toBe('canceled');
  });
});
