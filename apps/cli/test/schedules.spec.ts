// `jobq schedules` and its subcommands, as the built binary, against real Redis.
import { defineJob, defineSchedule, z } from '@jobq/job-defs';
import { parseQueueConfig, QueueClient, queueKeys } from '@jobq/queue-core';
import { deletePrefix, TEST_REDIS_URL as REDIS_URL, testPrefix } from '@jobq/testing';
import { Redis } from 'ioredis';
import { assertBuilt, runCli } from './run-cli';

const PREFIX = testPrefix('cli-sched');
const config = parseQueueConfig({ redisUrl: REDIS_URL, prefix: PREFIX });
const env = { REDIS_URL, JOBQ_PREFIX: PREFIX };
const cli = (...args: string[]) => runCli(args, env);

const job = (queue: string) =>
  defineJob({ name: 'test.sched', queue, description: 'Scheduled', payload: z.object({ n: z.number() }), result: z.object({}) });
const a = job('cli_sched_a');
const b = job('cli_sched_b');

let redis: Redis;
let client: QueueClient;

beforeAll(async () => {
  assertBuilt();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  client = await QueueClient.connect(config);
  await client.schedules.upsert(defineSchedule(a, { name: 'nightly', cron: '0 2 * * *', tz: 'Europe/Berlin', payload: { n: 1 } }));
  await client.schedules.upsert(defineSchedule(a, { name: 'often', every: 60_000, limit: 10, payload: { n: 2 } }));
  await client.schedules.upsert(defineSchedule(b, { name: 'often', every: 120_000, payload: { n: 3 } }));
});

afterAll(async () => {
  await client?.close();
  if (redis) {
    await deletePrefix(redis, PREFIX);
    redis.disconnect();
  }
});

describe('jobq schedules', () => {
  it('lists every schedule as a table and as the documented JSON', async () => {
    const r = await cli('schedules');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['NAME', 'QUEUE', 'JOB', 'TIMING', 'STATE', 'NEXT RUN', 'LAST RUN', 'RUNS']);
    expect(lines.find((l) => l.startsWith('nightly'))).toMatch(/cli_sched_a\s+test\.sched\s+0 2 \* \* \* \(Europe\/Berlin\)\s+active/);
    expect(r.stdout).toContain('3 schedules, 0 paused');

    const json = JSON.parse((await cli('schedules', '--json', '--queue', 'cli_sched_a')).stdout);
    expect(json.schedules.map((s: { name: string }) => s.name)).toEqual(['nightly', 'often']);
    expect(json.schedules[1]).toMatchObject({ queue: 'cli_sched_a', job: 'test.sched', timing: { every: 60_000 }, timingText: 'every 1 min', limit: 10, count: 0, state: 'active', lastRunAt: null });
    expect((await cli('schedules', '--queue', 'nope')).code).toBe(3);
  });

  it('pauses, resumes and triggers by name, with exit 3 for an unknown one and 2 for an ambiguous one', async () => {
    const paused = await cli('schedules', 'pause', 'nightly', '--json');
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toEqual({ queue: 'cli_sched_a', name: 'nightly', action: 'pause', changed: true });
    expect((await cli('schedules', 'pause', 'nightly')).stdout).toBe('Schedule nightly was already paused.\n');
    expect(JSON.parse((await cli('schedules', '--json')).stdout).schedules[0]).toMatchObject({ name: 'nightly', state: 'paused', nextRunAt: null });
    expect((await cli('schedules', 'resume', 'nightly')).stdout).toBe('Resumed schedule nightly.\n');

    const trig = JSON.parse((await cli('schedules', 'trigger', 'nightly', '--json')).stdout);
    expect(trig.jobId).toMatch(/^sched:nightly:manual:\d+$/);
    expect(await redis.lrange(queueKeys(PREFIX, 'cli_sched_a').waiting, 0, -1)).toEqual([trig.jobId]);

    const missing = await cli('schedules', 'pause', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('jobq: Schedule "nope" was not found on any queue.\n');
    const ambiguous = await cli('schedules', 'trigger', 'often');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('exists on several queues (cli_sched_a, cli_sched_b); name the queue');
    expect((await cli('schedules', 'pause', 'often', '--queue', 'cli_sched_b')).code).toBe(0);
  });

  it('remove asks for --yes off a terminal, then removes the schedule and its next run', async () => {
    const refused = await cli('schedules', 'remove', 'often', '--queue', 'cli_sched_a');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
    const k = queueKeys(PREFIX, 'cli_sched_a');
    expect(await redis.zcard(k.delayed)).toBe(2);
    const r = await cli('schedules', 'remove', 'often', '--queue', 'cli_sched_a', '--yes', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ queue: 'cli_sched_a', name: 'often', action: 'remove', changed: true });
    expect(await redis.zcard(k.delayed)).toBe(1);
    expect(await redis.hkeys(k.schedules)).toEqual(['nightly']);
  });

  it('has help with examples', async () => {
    for (const args of [['schedules', '--help'], ['schedules', 'remove', '--help']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--redis-url');
    }
    expect((await cli('schedules', '--help')).stdout).toContain('Examples:');
  });
});
