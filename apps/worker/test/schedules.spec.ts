import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dailyReport, pruneOutbox } from '@jobq/job-defs';
import { queueKeys } from '@jobq/queue-core';
import { waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

describe('worker process: schedules', () => {
  const t = useWorkerFixture('wschedules');

  it('five processes declare the catalogue schedules once, and each due time runs once', async () => {
    const old = join(t.outbox, 'old.json');
    await writeFile(old, '{}');
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    await writeFile(join(t.outbox, 'new.json'), '{}');

    const env = { WORKER_SCHEDULES: 'on', SCHEDULE_TZ: 'Europe/Berlin', OUTBOX_PRUNE_EVERY_MS: '1000', LOG_LEVEL: 'info' };
    const workers = Array.from({ length: 5 }, (_, i) => t.start(`sched-${i}`, env));
    await Promise.all(workers.map((w) => w.waitForLog('schedule declared', { schedule: 'nightly-sales-report' }, { timeoutMs: 20_000 })));
    const outcomes = workers.flatMap((w) => w.logs('schedule declared', { schedule: 'nightly-sales-report' }).map((l) => l.outcome));
    expect(outcomes.sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);

    const k = queueKeys(t.config.prefix, 'low_priority');
    expect((await t.redis.hkeys(k.schedules)).sort()).toEqual(['nightly-sales-report', 'outbox-prune']);
    const nightly = await t.client.schedules.get('nightly-sales-report');
    expect(nightly.timingText).toBe('0 2 * * * (Europe/Berlin)');
    expect(new Date(nightly.nextRunAt!).toLocaleTimeString('en-GB', { timeZone: 'Europe/Berlin' })).toBe('02:00:00');
    expect((await t.redis.zrange(k.delayed, 0, -1)).filter((id) => id.startsWith('sched:nightly-sales-report:'))).toEqual([nightly.nextJobId]);

    // The prune schedule fires every second: each due time runs on exactly one of the five.
    const pruned = () => workers.flatMap((w) => w.logs('job succeeded', { job: 'outbox.prune' }).map((l) => String(l.jobId)));
    await waitFor(() => pruned().length >= 3, { timeoutMs: 15_000, what: 'three prune runs' });
    const ids = pruned();
    expect(new Set(ids).size).toBe(ids.length);
    const dues = ids.map((id) => Number(id.split(':').pop())).sort();
    for (let i = 1; i < dues.length; i += 1) expect(dues[i] - dues[i - 1]).toBe(1_000);
    const results = await Promise.all(ids.map((id) => t.client.job(pruneOutbox, id).result({ timeoutMs: 5_000 })));
    // The old message was removed by exactly one run; the new one kept.
    expect(results.reduce((n, r) => n + r.removed, 0)).toBe(1);
    expect(results.every((r) => r.kept === 1)).toBe(true);

    // Triggering the nightly report runs it now, for yesterday in Berlin.
    const id = await t.client.schedules.trigger('nightly-sales-report');
    const report = await t.client.job(dailyReport, id).result({ timeoutMs: 20_000 });
    const berlinToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(Date.now());
    expect(report.day).toBe(new Date(Date.parse(`${berlinToday}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
  });

  it('workers killed (-9) and replaced around due times: every run created still runs, one job per due time, and the schedule goes on', async () => {
    const env = { WORKER_SCHEDULES: 'on', OUTBOX_PRUNE_EVERY_MS: '1000', WORKER_STALL_INTERVAL_MS: '1000', WORKER_HEARTBEAT_MS: '200', LOG_LEVEL: 'info' };
    let n = 0;
    const live = Array.from({ length: 3 }, () => t.start(`crash-${n++}`, env));
    await Promise.all(live.map((w) => w.waitForLog('schedule declared', { schedule: 'outbox-prune' }, { timeoutMs: 20_000 })));
    const k = queueKeys(t.config.prefix, 'low_priority');
    const started = Date.now();
    for (let round = 0; round < 4; round += 1) {
      // Kill one worker just after a due time (it may hold the run, or be about to take it), start another.
      const next = (await t.client.schedules.get('outbox-prune')).nextRunAt!;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now() + 2)));
      const victim = live.splice(round % live.length, 1)[0];
      victim.kill('SIGKILL');
      await victim.exited;
      live.push(t.start(`crash-${n++}`, env));
    }
    const end = Date.now();
    // Every run in the window ran (stall recovery reruns a run whose worker died).
    let seen = '';
    await waitFor(
      async () => {
        const ids = (await t.redis.hkeys(k.jobs)).filter((id) => id.startsWith('sched:outbox-prune:'));
        const dues = ids.map((id) => Number(id.split(':').pop())).filter((d) => d > started && d < end);
        const states = await Promise.all(dues.map((d) => t.redis.hgetall(k.run(`sched:outbox-prune:${d}`))));
        seen = JSON.stringify(dues.map((d, i) => [d - started, states[i]]));
        return dues.length >= 1 && states.every((st) => st['state'] === 'succeeded');
      },
      { timeoutMs: 20_000, what: () => `every run in the window to succeed: ${seen}` },
    );
    const ids = (await t.redis.hkeys(k.jobs)).filter((id) => id.startsWith('sched:outbox-prune:'));
    const dues = ids.map((id) => Number(id.split(':').pop())).sort();
    // Due times are whole seconds apart; a run whose worker died before scheduling the
    // next one is rerun after stall recovery (1 s here), and the slots missed meanwhile
    // collapse into the next run (the missed-run policy), so a gap may be a few seconds.
    for (let i = 1; i < dues.length; i += 1) {
      expect((dues[i] - dues[i - 1]) % 1_000).toBe(0);
      expect(dues[i] - dues[i - 1]).toBeLessThanOrEqual(5_000);
    }
    // And it goes on: two more runs after the kills.
    await waitFor(
      async () => {
        const after = (await t.redis.hkeys(k.jobs)).filter((id) => id.startsWith('sched:outbox-prune:') && Number(id.split(':').pop()) > end);
        const states = await Promise.all(after.map((id) => t.redis.hget(k.run(id), 'state')));
        return states.filter((st) => st === 'succeeded').length >= 2;
      },
      { timeoutMs: 10_000, what: 'two runs after the kills' },
    );
    const info = await t.client.schedules.get('outbox-prune');
    expect(info.state).toBe('active');
    expect(info.nextRunAt!).toBeGreaterThan(Date.now() - 1_000);
    expect((await t.redis.zrange(k.delayed, 0, -1)).filter((id) => id.startsWith('sched:outbox-prune:')).length).toBeLessThanOrEqual(1);
  });
});
