import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { generateReport, HandlerResultOf, ParsedPayloadOf } from '@jobq/job-defs';
import type { JobContext } from '@jobq/queue-core';
import { seededRandom } from '../synthetic-data';

type ReportType = ParsedPayloadOf<typeof generateReport>['reportType'];

/**
 * Largest value one synthetic row can hold, per report: sales in cents, signups per
 * row, usage in API calls. Values are whole numbers in [0, max], so an exact p95
 * comes from a histogram instead of sorting every row.
 */
const MAX_VALUE: Record<ReportType, number> = { sales: 50_000, signups: 200, usage: 10_000 };

const DAY_MS = 86_400_000;

/**
 * The `report.generate` handler: CPU work over a deterministic synthetic data set
 * (`rowsPerDay` values for every day from `from` to `to`, seeded by report type and
 * date). Works a day at a time and yields between days, so heartbeats keep going
 * and an abort (timeout, shutdown) stops it within one day's work.
 */
export function createGenerateReport() {
  return async (payload: ParsedPayloadOf<typeof generateReport>, ctx: JobContext): Promise<HandlerResultOf<typeof generateReport>> => {
    const first = Date.parse(`${payload.from}T00:00:00Z`);
    const days = Math.round((Date.parse(`${payload.to}T00:00:00Z`) - first) / DAY_MS) + 1;
    const max = MAX_VALUE[payload.reportType];
    const histogram = new Uint32Array(max + 1);
    let total = 0;
    for (let day = 0; day < days; day += 1) {
      await yieldToEventLoop();
      ctx.signal.throwIfAborted();
      const date = new Date(first + day * DAY_MS).toISOString().slice(0, 10);
      const random = seededRandom(`${payload.reportType}:${date}`);
      for (let row = 0; row < payload.rowsPerDay; row += 1) {
        // Squared to skew toward small values, as real amounts are.
        const value = Math.floor(random() ** 2 * (max + 1));
        histogram[value] += 1;
        total += value;
      }
    }
    const rows = days * payload.rowsPerDay;
    return {
      reportType: payload.reportType,
      days,
      rows,
      total,
      mean: Math.round((total / rows) * 100) / 100,
      min: histogram.findIndex((n) => n > 0),
      max: histogram.findLastIndex((n) => n > 0),
      p95: percentile(histogram, rows, 0.95),
    };
  };
}

/** Nearest-rank percentile of the values counted in `histogram`. */
function percentile(histogram: Uint32Array, count: number, p: number): number {
  const rank = Math.ceil(p * count);
  let seen = 0;
  for (let value = 0; value < histogram.length; value += 1) {
    seen += histogram[value];
    if (seen >= rank) return value;
  }
  return histogram.length - 1;
}
