// The inspection API against the real runtime: jobs enqueued by QueueClient and
// run (and failed) by a Worker, then listed, looked up, retried and removed.
import { defineJob, z } from '@jobq/job-defs';
import { deletePrefix, waitFor } from '@jobq/testing';
import type { Redis } from 'ioredis';
import { rawRedis, testConfig } from '../../../test/helpers';
import { handle } from '../handler';
import { queueKeys } from '../keys';
import { QueueClient } from '../queue-client';
import { Worker } from '../worker';
import { QueueAdmin } from './queue-admin';
import { QueueInspector } from './queue-inspector';

const QUEUE = 'test_inspect';
const flakyOnce = defineJob({
  name: 'test.flaky-once',
  queue: QUEUE,
  description: 'Fails its first attempt, then succeeds',
  payload: z.object({ n: z.number().int() }),
  result: z.object({ n: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 5_000 },
});

const config = testConfig('inspect');
const k = queueKeys(config.prefix, QUEUE);
let redis: Redis;
let client: QueueClient;
let worker: Worker;
let inspector: QueueInspector;
let admin: QueueAdmin;
const seen = new Set<string>();

beforeAll(async () => {
  redis = rawRedis();
  client = await QueueClient.connect(config);
  worker = new Worker(config, {
    name: 'inspect-test',
    handlers: [
      handle(flakyOnce, async (p, ctx) => {
        if (!seen.has(ctx.id)) {
          seen.add(ctx.id);
          throw new Error(`first attempt of ${p.n} fails`);
        }
        return { n: p.n };
      }),
    ],
    heartbeatMs: 200,
    safetyPollMs: 200,
  });
  inspector = new QueueInspector(redis, config.prefix);
  admin = new QueueAdmin(redis, config.prefix, { chunkSize: 2 });
});

afterAll(async () => {
  await worker.close({ graceMs: 1_000 });
  await client.close();
  await deletePrefix(redis, config.prefix);
  redis.disconnect();
});

it('lists, finds, retries and removes jobs the runtime wrote', async () => {
  const handles = await client.enqueueMany(flakyOnce, [1, 2, 3, 4, 5].map((n) => ({ payload: { n } })));
  expect((await inspector.queues()).includes(QUEUE)).toBe(true);
  const waiting = await inspector.listJobs(QUEUE, 'waiting', { pageSize: 2, page: 1 });
  expect(waiting.total).toBe(5);
  expect(waiting.jobs.map((j) => j.id)).toEqual([handles[4].id, handles[3].id]);
  expect(waiting.jobs[0]).toMatchObject({ name: 'test.flaky-once', payloadPreview: '{"n":5}', retriesLeft: 0 });

  await worker.start();
  await waitFor(async () => (await inspector.counts([QUEUE]))[0].failed === 5, 10_000, 'five failures');
  const failed = await inspector.listJobs(QUEUE, 'failed', { name: 'test.flaky-once' });
  expect(failed.total).toBe(5);
  expect(failed.jobs[0]).toMatchObject({ state: 'failed', attempts: 1, worker: 'inspect-test' });
  expect(failed.jobs[0].error).toMatch(/^first attempt of \d fails$/);

  const detail = await inspector.getJob(QUEUE, handles[0].id);
  expect(detail).toMatchObject({ state: 'failed', name: 'test.flaky-once', payload: { truncated: false }, retries: { configured: 0, used: 0, left: 0 }, malformed: null });
  expect(JSON.parse(detail?.payload.text ?? '')).toEqual({ n: 1 });
  expect(detail?.error?.stack.text).toContain('first attempt of 1 fails');
  expect((await inspector.rawValue(QUEUE, handles[0].id, 'payload'))?.toString()).toBe('{"n":1}');
  expect(await inspector.findJob(handles[0].id)).toEqual([{ queue: QUEUE, id: handles[0].id, state: 'failed', name: 'test.flaky-once' }]);

  await admin.retryJob(QUEUE, handles[0].id);
  await expect(handles[0].result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 1 });
  expect(await admin.retryAllFailed(QUEUE)).toBe(4);
  await waitFor(async () => (await inspector.counts([QUEUE]))[0].succeeded === 5, 10_000, 'five successes');
  const done = await inspector.getJob(QUEUE, handles[1].id);
  expect(JSON.parse(done?.result?.text ?? '')).toEqual({ n: 2 });
  expect(done).toMatchObject({ state: 'succeeded', attempts: 2 });

  await admin.removeJob(QUEUE, handles[1].id);
  expect(await inspector.getJob(QUEUE, handles[1].id)).toBeNull();
  expect(await redis.zscore(k.nameIndex('succeeded', 'test.flaky-once'), handles[1].id)).toBeNull();
  expect(await admin.emptyState(QUEUE, 'succeeded')).toBe(4);
  expect(await redis.hlen(k.jobs)).toBe(0);
  expect(await redis.exists(k.nameIndex('succeeded', 'test.flaky-once'), k.index('succeeded'), k.succeeded, k.expiry)).toBe(0);
});
