import { defineSchedule, ScheduleDefinitionError } from '@jobq/job-defs';
import { waitFor } from '@jobq/testing';
import { handle, QueueClient, queueKeys, ScheduleNotFoundError, type Worker } from '../src';
import { echo, flaky } from './contracts';
import { queueSuite } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs of schedule jobs seen by handlers: job id, worker, start time. */
interface Run {
  readonly id: string;
  readonly worker: string;
  readonly startedAt: number;
}

function recorder(runs: Run[], worker: string) {
  return handle(echo, (p, ctx) => {
    runs.push({ id: ctx.id, worker, startedAt: Date.now() });
    return { n: p.n, by: worker };
  });
}

/** Due time of a scheduled run, from its id `sched:<name>:<due>`. */
const dueOf = (id: string) => Number(id.split(':').pop());

describe('schedules', () => {
  const s = queueSuite('schedules');
  const k = () => queueKeys(s.config.prefix, echo.queue);

  it('refuses an invalid cron, time zone, interval or payload at declaration, naming the field', () => {
    const bad = (input: Record<string, unknown>) => {
      try {
        defineSchedule(echo, { name: 'x', payload: { n: 1 }, ...input } as never);
      } catch (err) {
        expect(err).toBeInstanceOf(ScheduleDefinitionError);
        expect((err as ScheduleDefinitionError).code).toBe('JOBQ_SCHEDULE_INVALID');
        return [(err as ScheduleDefinitionError).field, (err as Error).message];
      }
      throw new Error('accepted');
    };
    expect(bad({ cron: '61 * * * *' })).toEqual(['cron', expect.stringContaining('"61 * * * *" is not a valid cron expression')]);
    expect(bad({ cron: 'every day' })[0]).toBe('cron');
    expect(bad({ cron: '0 2 * * *', tz: 'Mars/Olympus' })).toEqual(['tz', expect.stringContaining('"Mars/Olympus" is not a known IANA time zone')]);
    expect(bad({ every: 10 })).toEqual(['every', expect.stringContaining('>= 1000')]);
    expect(bad({ every: 1.5e3 + 0.5 })[0]).toBe('every');
    expect(bad({ cron: '* * * * *', every: 1000 })[0]).toBe('cron/every');
    expect(bad({})[0]).toBe('cron/every');
    expect(bad({ every: 1000, limit: 0 })[0]).toBe('limit');
    expect(bad({ every: 1000, payload: { n: 'one' } })[0]).toBe('payload.n');
    expect(bad({ every: 1000, name: 'has space' })[0]).toBe('name');
    expect(bad({ every: 1000, jobId: 'nightly' })).toEqual(['jobId', expect.stringContaining('must contain {due} or {date}')]);
    expect(bad({ every: 1000, jobId: 'nightly-{due}-{day}' })).toEqual(['jobId', expect.stringContaining('unknown placeholder {day}')]);
    expect(bad({ every: 1000, jobId: 'nightly report {due}' })).toEqual(['jobId', expect.stringContaining('not a valid job id')]);
  });

  it('names its runs after a job id pattern: one job per due time, the next one pending under its own id', async () => {
    const runs: Run[] = [];
    for (const w of ['a', 'b']) await s.startWorker([recorder(runs, w)]);
    const def = defineSchedule(echo, { name: 'named', every: 1_000, jobId: 'tick-{name}-{date}', payload: { n: 3 } });
    await s.client.schedules.upsert(def);
    await waitFor(() => runs.length >= 2, 8_000);
    await sleep(200);
    const ids = runs.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^tick-named-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const due = (id: string) => Date.parse(id.slice('tick-named-'.length));
    for (const r of runs) expect(r.startedAt).toBeGreaterThanOrEqual(due(r.id));
    const delayed = await s.redis.zrange(k().delayed, 0, -1);
    expect(delayed).toHaveLength(1);
    expect(delayed[0]).toMatch(/^tick-named-/);
    // Paused and resumed, the next run keeps the pattern.
    await s.client.schedules.pause('named');
    await s.client.schedules.resume('named');
    const [info] = (await s.client.schedules.list()).filter((x) => x.name === 'named');
    expect(info.nextJobId).toMatch(/^tick-named-/);
  });

  it('fires at the due time, one job per due time with three workers, and the next run is always pending', async () => {
    const runs: Run[] = [];
    for (const w of ['a', 'b', 'c']) await s.startWorker([recorder(runs, w)]);
    const def = defineSchedule(echo, { name: 'tick', cron: '* * * * * *', payload: { n: 7 } });
    expect((await s.client.schedules.upsert(def)).outcome).toBe('created');
    await waitFor(() => runs.length >= 4, 8_000);
    await sleep(300);
    const dues = runs.map((r) => dueOf(r.id));
    expect(new Set(dues).size).toBe(dues.length);
    for (const r of runs) expect(r.startedAt).toBeGreaterThanOrEqual(dueOf(r.id));
    const sorted = [...dues].sort();
    for (let i = 1; i < sorted.length; i += 1) expect(sorted[i] - sorted[i - 1]).toBe(1_000);
    // Exactly one pending (delayed) job: the next run.
    const delayed = await s.redis.zrange(k().delayed, 0, -1);
    expect(delayed).toHaveLength(1);
    const [info] = await s.client.schedules.list();
    expect(info).toMatchObject({ name: 'tick', queue: echo.queue, job: echo.name, state: 'active', nextJobId: delayed[0] });
    expect(info.count).toBeGreaterThanOrEqual(runs.length);
  });

  it('five processes declaring the same schedule at once store one schedule with one pending job', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => QueueClient.connect(s.config)));
    try {
      const def = defineSchedule(echo, { name: 'nightly', cron: '0 2 * * *', tz: 'Europe/Berlin', payload: { n: 1 } });
      const outcomes = await Promise.all(clients.map((c) => c.schedules.upsert(def)));
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
      expect(await s.redis.hlen(k().schedules)).toBe(1);
      expect(await s.redis.zcard(k().delayed)).toBe(1);
      expect(new Date(outcomes[0].nextRunAt!).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' })).toBe('02:00');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('re-declaring with a changed cron updates it: one pending job, at the new time', async () => {
    const first = await s.client.schedules.upsert(defineSchedule(echo, { name: 'r', cron: '0 2 * * *', payload: { n: 1 } }));
    const second = await s.client.schedules.upsert(defineSchedule(echo, { name: 'r', cron: '30 3 * * *', payload: { n: 2 } }));
    expect(second.outcome).toBe('updated');
    expect(second.nextRunAt).not.toBe(first.nextRunAt);
    expect(new Date(second.nextRunAt!).toISOString()).toMatch(/T03:30:00.000Z$/);
    const delayed = await s.redis.zrange(k().delayed, 0, -1, 'WITHSCORES');
    expect(delayed).toEqual([`sched:r:${second.nextRunAt}`, String(second.nextRunAt)]);
    expect(await s.redis.hexists(k().jobs, `sched:r:${first.nextRunAt}`)).toBe(0);
    const info = await s.client.schedules.get('r');
    expect(info.timingText).toBe('30 3 * * * (UTC)');
    const stored = JSON.parse((await s.redis.hget(k().jobs, info.nextJobId!))!);
    expect(stored.data).toEqual({ name: echo.name, payload: { n: 2 } });
  });

  it('pause, resume, trigger and remove', async () => {
    const runs: Run[] = [];
    await s.startWorker([recorder(runs, 'w')]);
    await s.client.schedules.upsert(defineSchedule(echo, { name: 'p', cron: '0 2 * * *', payload: { n: 3 } }));
    expect(await s.client.schedules.pause('p')).toBe(true);
    expect(await s.client.schedules.pause('p')).toBe(false);
    expect(await s.redis.zcard(k().delayed)).toBe(0);
    expect((await s.client.schedules.get('p')).state).toBe('paused');
    // Re-declaring the same definition keeps it paused.
    expect((await s.client.schedules.upsert(defineSchedule(echo, { name: 'p', cron: '0 2 * * *', payload: { n: 3 } }))).outcome).toBe('unchanged');
    expect(await s.redis.zcard(k().delayed)).toBe(0);

    const id = await s.client.schedules.trigger({ name: 'p', queue: echo.queue });
    expect(id).toMatch(/^sched:p:manual:\d+$/);
    await waitFor(() => runs.some((r) => r.id === id), 5_000);
    await sleep(100);
    expect(runs).toHaveLength(1);
    const afterTrigger = await s.client.schedules.get('p');
    expect(afterTrigger).toMatchObject({ state: 'paused', count: 0, lastJobId: id });
    expect(await s.redis.zcard(k().delayed)).toBe(0);

    expect(await s.client.schedules.resume('p')).toBe(true);
    expect(await s.client.schedules.resume('p')).toBe(false);
    const resumed = await s.client.schedules.get('p');
    expect(resumed.state).toBe('active');
    expect(await s.redis.zrange(k().delayed, 0, -1)).toEqual([resumed.nextJobId]);

    expect(await s.client.schedules.remove('p')).toBe(true);
    expect(await s.client.schedules.remove('p')).toBe(false);
    expect(await s.redis.zcard(k().delayed)).toBe(0);
    expect(await s.client.schedules.list()).toEqual([]);
    await expect(s.client.schedules.pause('p')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(s.client.schedules.trigger('nope')).rejects.toMatchObject({ code: 'JOBQ_SCHEDULE_NOT_FOUND' });
  });

  it('runs missed while no worker ran make one run, then the schedule goes on from now', async () => {
    await s.client.schedules.upsert(defineSchedule(echo, { name: 'm', every: 1_000, payload: { n: 4 } }));
    await sleep(3_300);
    const runs: Run[] = [];
    const started = Date.now();
    await s.startWorker([recorder(runs, 'late')]);
    await waitFor(() => runs.length >= 1, 3_000);
    const missed = runs[0];
    expect(dueOf(missed.id)).toBeLessThan(started - 2_000);
    // The next run is the first due time after now, not one of the missed ones.
    const info = await s.client.schedules.get('m');
    expect(info.nextRunAt!).toBeGreaterThan(missed.startedAt);
    expect(info.nextRunAt! - missed.startedAt).toBeLessThanOrEqual(1_000);
    expect(runs.filter((r) => dueOf(r.id) < started)).toHaveLength(1);
  });

  it('a worker restarted around the due time makes one run per due time', async () => {
    const runs: Run[] = [];
    await s.client.schedules.upsert(defineSchedule(echo, { name: 'rs', every: 1_000, payload: { n: 5 } }));
    let w: Worker = await s.startWorker([recorder(runs, 'w1')]);
    for (let i = 2; i <= 4; i += 1) {
      // Stop just before the next due time, start a new worker just after it.
      const next = (await s.client.schedules.get('rs')).nextRunAt!;
      await sleep(Math.max(0, next - Date.now() - 20));
      await w.stopNow();
      await sleep(Math.max(0, next - Date.now() + 30));
      w = await s.startWorker([recorder(runs, `w${i}`)]);
    }
    await sleep(1_500);
    const dues = runs.map((r) => dueOf(r.id));
    expect(new Set(dues).size).toBe(dues.length);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(await s.redis.zcard(k().delayed)).toBe(1);
  });

  it('limit and end date stop a schedule', async () => {
    const runs: Run[] = [];
    await s.startWorker([recorder(runs, 'w')]);
    const limited = defineSchedule(echo, { name: 'lim', cron: '* * * * * *', limit: 2, payload: { n: 6 } });
    await s.client.schedules.upsert(limited);
    await waitFor(async () => (await s.client.schedules.get('lim')).state === 'ended', 6_000);
    await sleep(1_200);
    expect(runs.filter((r) => r.id.startsWith('sched:lim:'))).toHaveLength(2);
    expect((await s.client.schedules.get('lim')).count).toBe(2);
    expect(await s.redis.zcard(k().delayed)).toBe(0);
    // Declaring an ended schedule again leaves it ended.
    expect((await s.client.schedules.upsert(limited)).outcome).toBe('unchanged');
    expect(await s.redis.zcard(k().delayed)).toBe(0);

    const endAt = Date.now() + 1_500;
    await s.client.schedules.upsert(defineSchedule(echo, { name: 'end', every: 1_000, endAt, payload: { n: 8 } }));
    await waitFor(async () => (await s.client.schedules.get('end')).state === 'ended', 5_000);
    const ended = runs.filter((r) => r.id.startsWith('sched:end:'));
    expect(ended.length).toBeGreaterThanOrEqual(1);
    for (const r of ended) expect(dueOf(r.id)).toBeLessThanOrEqual(endAt);
    // An end date already past: stored, but never armed.
    const past = await s.client.schedules.upsert(defineSchedule(echo, { name: 'past', every: 1_000, endAt: Date.now() - 1, payload: { n: 9 } }));
    expect(past.nextRunAt).toBeNull();
    expect((await s.client.schedules.get('past')).state).toBe('ended');
  });

  it('a schedule whose pending run was lost is re-armed by the next declaration', async () => {
    const def = defineSchedule(echo, { name: 'lost', cron: '0 2 * * *', payload: { n: 1 } });
    const { nextRunAt } = await s.client.schedules.upsert(def);
    // Simulate a lost next-run step: the pending job vanished.
    await s.redis.zrem(k().delayed, `sched:lost:${nextRunAt}`);
    await s.redis.hdel(k().jobs, `sched:lost:${nextRunAt}`);
    expect((await s.client.schedules.upsert(def)).outcome).toBe('repaired');
    expect(await s.redis.zcard(k().delayed)).toBe(1);
  });

  it('a failing run with retries does not stop the schedule nor add a second next run', async () => {
    const attempts: { id: string; attempt: number }[] = [];
    await s.startWorker([
      handle(flaky, (_p, ctx) => {
        attempts.push({ id: ctx.id, attempt: ctx.attempt });
        throw new Error('always fails');
      }),
    ]);
    await s.client.schedules.upsert(defineSchedule(flaky, { name: 'fails', cron: '* * * * * *', payload: { failTimes: 9 }, jobOptions: { retries: 1, backoff: null } }));
    await waitFor(() => new Set(attempts.map((a) => a.id)).size >= 3 && attempts.filter((a) => a.attempt === 2).length >= 2, 8_000);
    const ids = [...new Set(attempts.map((a) => a.id))];
    expect(ids.every((id) => id.startsWith('sched:fails:'))).toBe(true);
    const info = await s.client.schedules.get('fails');
    expect(info.state).toBe('active');
    expect(info.count).toBeGreaterThanOrEqual(3);
    // One pending next run, however many attempts ran.
    expect((await s.redis.zrange(k().delayed, 0, -1)).filter((id) => id.startsWith('sched:'))).toEqual([info.nextJobId]);
  });
});
