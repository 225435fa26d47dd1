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
});
