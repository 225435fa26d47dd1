import { globalKeys, minuteOf, queueKeys, type JobState, type StoredJob } from '@jobq/queue-core';
import { testPrefix as sharedTestPrefix, TEST_REDIS_URL } from '@jobq/testing';
import { Redis } from 'ioredis';

// Shared helpers (deletePrefix, waitFor, PrivateRedis, freePort, launchChromium, ...)
// come from '@jobq/testing'; this file keeps the dashboard's own fixtures.

/** The Redis the suites use (set by the jest global setup). */
export const REDIS_URL = TEST_REDIS_URL;

/** A fresh key prefix per suite (`jobq-test-dash-<suite>-<hex>`), so suites never see each other's keys. */
export function testPrefix(suite: string): string {
  return sharedTestPrefix('dash', suite);
}

/** A plain connection for fixtures and assertions. */
export function fixtureRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** One job to write, in whatever state. */
export interface FixtureJob {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
  readonly state: JobState;
  readonly createdAt?: number;
  /** finishedAt for succeeded/failed, run-at for delayed, startedAt for active. */
  readonly at?: number;
  readonly retries?: number;
  readonly result?: unknown;
  readonly error?: string;
  readonly errorCode?: string;
  readonly stack?: string;
  readonly progress?: { percent: number; message?: string };
  readonly worker?: string;
  readonly attempts?: number;
}

/**
 * Writes jobs exactly as the runtime lays them out (see queue-core's keys.ts and
 * the worker's Lua): bee-queue's hash, lists, sets and delayed zset, our run
 * records, history indexes per state and per name, the expiry zset and the
 * queue registry.
 */
export async function writeJobs(redis: Redis, prefix: string, jobs: readonly FixtureJob[]): Promise<void> {
  const p = redis.pipeline();
  const now = Date.now();
  for (const j of jobs) {
    const k = queueKeys(prefix, j.queue);
    const created = j.createdAt ?? now - 60_000;
    const at = j.at ?? now;
    const finished = j.state === 'succeeded' || j.state === 'failed';
    const stored: StoredJob = {
      data: { name: j.name, payload: j.payload },
      options: {
        timestamp: created,
        retries: j.retries ?? 0,
        timeout: 60_000,
        stacktraces: j.stack ? [j.stack] : [],
        ...(j.state === 'delayed' ? { delay: at } : {}),
        jobq: { retries: j.retries ?? 0, keepResultSeconds: 86_400, keepFailedSeconds: 604_800 },
      },
      status: j.state === 'succeeded' ? 'succeeded' : j.state === 'failed' ? 'failed' : 'created',
      progress: 0,
    };
    p.sadd(globalKeys(prefix).queues, j.queue);
    p.hset(k.jobs, j.id, JSON.stringify(stored));
    if (j.state === 'waiting') p.lpush(k.waiting, j.id);
    if (j.state === 'delayed') p.zadd(k.delayed, at, j.id);
    if (j.state === 'active') {
      p.lpush(k.active, j.id);
      p.hset(k.run(j.id), 'state', 'active', 'attempts', j.attempts ?? 1, 'startedAt', at, 'worker', j.worker ?? 'w1');
      if (j.progress) p.hset(k.run(j.id), 'progress', JSON.stringify(j.progress));
    }
    if (finished) {
      const state = j.state as 'succeeded' | 'failed';
      p.sadd(state === 'succeeded' ? k.succeeded : k.failed, j.id);
      p.zadd(k.index(state), at, j.id);
      p.zadd(k.nameIndex(state, j.name), at, j.id);
      p.zadd(k.expiry, at + 86_400_000, j.id);
      p.hset(k.run(j.id), 'state', state, 'attempts', j.attempts ?? 1, 'startedAt', at - 25, 'finishedAt', at, 'durationMs', 25, 'worker', j.worker ?? 'w1');
      if (state === 'succeeded') p.hset(k.run(j.id), 'result', JSON.stringify(j.result ?? { ok: true }));
      else p.hset(k.run(j.id), 'error', j.error ?? 'boom', 'errorCode', j.errorCode ?? 'JOBQ_JOB_FAILED', 'stack', j.stack ?? 'Error: boom\n    at handler (job.ts:1:1)');
      const bucket = k.throughput(minuteOf(at));
      p.hincrby(bucket, 'processed', 1);
      if (state === 'failed') p.hincrby(bucket, 'failed', 1);
      p.expire(bucket, 86_400);
    }
  }
  await p.exec();
}

/** `count` jobs of one state, ids `${from}`..., newest last written (so the highest id is newest). */
export function manyJobs(queue: string, state: JobState, count: number, from = 1, name = 'email.send'): FixtureJob[] {
  const base = Date.now() - count * 1000;
  return Array.from({ length: count }, (_, i) => ({
    queue,
    id: String(from + i),
    name,
    payload: { to: `user${from + i}@example.com`, subject: `Hello ${from + i}`, text: 'Hi' },
    state,
    createdAt: base + i * 1000,
    at: state === 'delayed' ? Date.now() + 3_600_000 + i * 1000 : base + i * 1000 + 10,
  }));
}
