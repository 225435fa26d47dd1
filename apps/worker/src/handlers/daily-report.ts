import type { dailyReport, HandlerResultOf, ParsedPayloadOf } from '@jobq/job-defs';
import type { JobContext } from '@jobq/queue-core';
import { createGenerateReport } from './generate-report';

/** `YYYY-MM-DD` of the instant `ms` in time zone `tz`. */
export function dateIn(ms: number, tz: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** The day before `day` (`YYYY-MM-DD`). */
function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The `report.daily` handler: the report of the day before the run was due (the
 * schedule's due time, so a late run still covers the right day; now, for a job
 * enqueued by hand), read in the payload's time zone.
 */
export function createDailyReport() {
  const report = createGenerateReport();
  return async (payload: ParsedPayloadOf<typeof dailyReport>, ctx: JobContext): Promise<HandlerResultOf<typeof dailyReport>> => {
    const day = dayBefore(dateIn(ctx.schedule?.dueAt ?? Date.now(), payload.timeZone));
    ctx.log(`report of ${day} (${payload.timeZone})`);
    const result = await report({ reportType: payload.reportType, from: day, to: day, rowsPerDay: payload.rowsPerDay }, ctx);
    return { ...result, day };
  };
}
