// The admin operations of the operator tools against real Redis: each one
// changes the queue's keys only, appends the job events the runtime appends,
// and wakes idle workers when it makes jobs waiting.
import type { Redis } from 'ioredis';
import { deletePrefix } from '@jobq/testing';
import { rawRedis, testConfig } from '../../../test/helpers';
import { queueKeys } from '../keys';
import { QueueAdmin } from './queue-admin';

const config = testConfig('admin-tools');
const Q = 'tools';
const k = queueKeys(config.prefix, Q);
const events = `${k.base}x:events`;
const wake = `${k.base}x:wake`;
let redis: Redis;
let admin: QueueAdmin;

const json = (name: string) => JSON.stringify({ data: { name, payload: {} }, options: { timestamp: 1, retries: 0, stacktraces: [], jobq: { retries: 2, keepResultSeconds: 60, keepFailedSeconds: 60 } }, status: 'failed', progress: 0 });

async function finished(state: 'succeeded' | 'failed', id: string, at: number) {
  await redis
    .multi()
    .hset(k.jobs, id, json('job.x'))
    .sadd(state === 'succeeded' ? k.succeeded : k.failed, id)
    .zadd(k.index(state), at, id)
    .zadd(k.nameIndex(state, 'job.x'), at, id)
    .hset(k.run(id), 'state', state, 'finishedAt', at)
    .exec();
}

async function eventsOf(): Promise<string[]> {
  const entries = await redis.xrange(events, '-', '+');
  return entries.map(([, f]) => `${f[1]}:${f[3]}:${f[5]}`);
}

beforeAll(() => {
  redis = rawRedis();
  admin = new QueueAdmin(redis, config.prefix, { chunkSize: 2 });
});
beforeEach(async () => deletePrefix(redis, config.prefix));
afterAll(async () => {
  await deletePrefix(redis, config.prefix);
  redis.disconnect();
});

it('promotes a delayed job to waiting with an event and one wake-up token', async () => {
  await redis.multi().hset(k.jobs, 'd1', json('job.d')).zadd(k.delayed, Date.now() + 3_600_000, 'd1').hset(k.jobs, 'd2', json('job.d')).zadd(k.delayed, Date.now() + 3_600_000, 'd2').exec();
  await admin.promoteJob(Q, 'd1');
  await admin.promoteJob(Q, 'd2');
  expect(await redis.lrange(k.waiting, 0, -1)).toEqual(['d2', 'd1']);
  expect(await redis.zcard(k.delayed)).toBe(0);
  expect(await eventsOf()).toEqual(['waiting:d1:job.d', 'waiting:d2:job.d']);
  expect(await redis.lrange(wake, 0, -1)).toEqual(['1']);
  await expect(admin.promoteJob(Q, 'd1')).rejects.toThrow('is not delayed');
  await expect(admin.promoteJob(Q, 'nope')).rejects.toThrow('was not found');
});

it('retries and removes several jobs at once, saying what it skipped', async () => {
  for (const id of ['f1', 'f2', 'f3']) await finished('failed', id, 1_000);
  await finished('succeeded', 's1', 1_000);
  expect(await admin.retryJobs(Q, ['f1', 'f2', 's1', 'gone'])).toEqual({ done: 2, missing: 1, skipped: 1 });
  expect((await redis.lrange(k.waiting, 0, -1)).sort()).toEqual(['f1', 'f2']);
  expect(await redis.llen(wake)).toBe(1);
  await redis.lpush(k.active, 'f3');
  expect(await admin.removeJobs(Q, ['f1', 's1', 'f3', 'gone'])).toEqual({ done: 2, missing: 1, skipped: 1 });
  expect(await redis.hexists(k.jobs, 's1')).toBe(0);
  expect(await redis.lrange(k.waiting, 0, -1)).toEqual(['f2']);
  expect(await eventsOf()).toEqual(['waiting:f1:job.x', 'waiting:f2:job.x', 'removed:f1:job.x', 'removed:s1:job.x']);
  await expect(admin.retryJobs(Q, [])).rejects.toThrow('select at least one job');
});

it('cleans the finished jobs older than an age and keeps the newer ones', async () => {
  const now = 10_000_000;
  for (let i = 0; i < 5; i++) await finished('succeeded', `old${i}`, now - 7_200_000 - i);
  await finished('succeeded', 'new', now - 60_000);
  expect(await admin.cleanOlderThan(Q, 'succeeded', 3_600_000, now)).toBe(5);
  expect(await redis.zrange(k.index('succeeded'), 0, -1)).toEqual(['new']);
  expect(await redis.smembers(k.succeeded)).toEqual(['new']);
  expect(await redis.zrange(k.nameIndex('succeeded', 'job.x'), 0, -1)).toEqual(['new']);
  expect(await redis.hkeys(k.jobs)).toEqual(['new']);
  expect((await eventsOf()).filter((e) => e.startsWith('removed:'))).toHaveLength(5);
  // Only this queue's keys were touched.
  const keys = await redis.keys(`${config.prefix}:*`);
  for (const key of keys) expect(key.startsWith(k.base)).toBe(true);
});
