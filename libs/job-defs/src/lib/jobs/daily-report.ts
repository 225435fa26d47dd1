import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';
import { isTimeZone } from '../time-zone';
import { generateReport, REPORT_TYPES } from './generate-report';

/**
 * The report of one whole day: the day before the run was due, in `timeZone`.
 * Made for schedules (a nightly cron): the day comes from the run's due time, so
 * a run that starts late (workers were down) still reports the right day.
 */
export const dailyReport = defineJob({
  name: 'report.daily',
  queue: QUEUE.low,
  description: "Summarise yesterday's data (the day before the run was due, in a time zone)",
  payload: z.object({
    reportType: z.enum(REPORT_TYPES).describe('Which report'),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').default('UTC').describe('Time zone the day is read in'),
    rowsPerDay: z.number().int().min(1).max(100_000).default(1_000).describe('Synthetic rows per day'),
  }),
  result: generateReport.result.extend({ day: z.iso.date() }),
  defaults: { retries: 2, backoff: { strategy: 'fixed', delayMs: 30_000 }, timeoutMs: 120_000, keepResultSeconds: 30 * 86_400 },
});
