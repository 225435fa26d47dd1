import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailyReport, pruneOutbox } from '@jobq/job-defs';
import { fakeJobContext } from '../../test/support/job-context';
import { createDailyReport, dateIn } from './daily-report';
import { createPruneOutbox } from './prune-outbox';

describe('report.daily handler', () => {
  it('reports the day before the due time, read in the time zone', async () => {
    // 2026-03-10 00:30 in Berlin is still 2026-03-09 in UTC.
    const due = Date.UTC(2026, 2, 9, 23, 30);
    const run = createDailyReport();
    const berlin = await run(dailyReport.payload.parse({ reportType: 'usage', timeZone: 'Europe/Berlin', rowsPerDay: 10 }), fakeJobContext({ schedule: { name: 'n', dueAt: due, manual: false } }));
    expect(berlin).toMatchObject({ day: '2026-03-09', days: 1, rows: 10, reportType: 'usage' });
    const utc = await run(dailyReport.payload.parse({ reportType: 'usage', rowsPerDay: 10 }), fakeJobContext({ schedule: { name: 'n', dueAt: due, manual: false } }));
    expect(utc.day).toBe('2026-03-08');
    expect(dateIn(due, 'Asia/Tokyo')).toBe('2026-03-10');
  });

  it('refuses an unknown time zone in the payload', () => {
    expect(dailyReport.payload.safeParse({ reportType: 'sales', timeZone: 'Nowhere/Land' }).success).toBe(false);
  });
});

describe('outbox.prune handler', () => {
  it('deletes only message files older than the cut-off, and copes with a missing folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jobq-prune-'));
    try {
      await writeFile(join(dir, 'old.json'), '{}');
      await writeFile(join(dir, 'new.json'), '{}');
      await writeFile(join(dir, 'notes.txt'), 'x');
      const old = new Date(Date.now() - 3 * 3_600_000);
      await utimes(join(dir, 'old.json'), old, old);
      await utimes(join(dir, 'notes.txt'), old, old);
      const result = await createPruneOutbox(dir)(pruneOutbox.payload.parse({ olderThanHours: 2 }), fakeJobContext());
      expect(result).toEqual({ removed: 1, kept: 1 });
      expect((await readdir(dir)).sort()).toEqual(['new.json', 'notes.txt']);
      expect(await createPruneOutbox(join(dir, 'missing'))(pruneOutbox.payload.parse({}), fakeJobContext())).toEqual({ removed: 0, kept: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
