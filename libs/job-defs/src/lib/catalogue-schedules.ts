import { dailyReport } from './jobs/daily-report';
import { pruneOutbox } from './jobs/prune-outbox';
import { defineSchedule, type ScheduleDefinition } from './schedule';

/** Settings of the example schedules (the worker reads them from its environment). */
export interface CatalogueScheduleOptions {
  /** Time zone of the nightly report's `0 2 * * *`. @defaultValue `UTC` */
  readonly timeZone?: string;
  /** Interval of the outbox clean-up, ms. @defaultValue 300000 (5 min) */
  readonly pruneEveryMs?: number;
}

/**
 * The example catalogue's schedules: the sales report of the previous day every
 * night at 02:00 in `timeZone`, and an outbox clean-up every few minutes.
 * Throws `ScheduleDefinitionError` for a bad time zone or interval.
 */
export function catalogueSchedules(options: CatalogueScheduleOptions = {}): ScheduleDefinition[] {
  const timeZone = options.timeZone ?? 'UTC';
  return [
    defineSchedule(dailyReport, {
      name: 'nightly-sales-report',
      cron: '0 2 * * *',
      tz: timeZone,
      payload: { reportType: 'sales', timeZone },
      description: 'Sales report of the previous day, every night at 02:00',
    }),
    defineSchedule(pruneOutbox, {
      name: 'outbox-prune',
      every: options.pruneEveryMs ?? 300_000,
      payload: { olderThanHours: 24 },
      description: 'Delete outbox messages older than a day',
    }),
  ];
}
