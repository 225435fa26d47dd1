import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

/** Report kinds the example report job can compute. */
export const REPORT_TYPES = ['sales', 'signups', 'usage'] as const;

/**
 * CPU-bound work: build a deterministic data set for a date range and summarise it.
 */
export const generateReport = defineJob({
  name: 'report.generate',
  queue: QUEUE.low,
  description: 'Compute summary statistics over a date range (CPU work)',
  payload: z
    .object({
      reportType: z.enum(REPORT_TYPES).describe('Which report'),
      from: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).describe('First day (YYYY-MM-DD)'),
      to: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).describe('Last day (YYYY-MM-DD)'),
      rowsPerDay: z.number().int().min(1).max(100_000).default(1_000).describe('Synthetic rows per day'),
    })
    .refine((p) => p.from <= p.to, { message: 'must not be after "to"', path: ['from'] }),
  result: z.object({
    reportType: z.enum(REPORT_TYPES),
    days: z.number().int(),
    rows: z.number().int(),
    total: z.number(),
    mean: z.number(),
    min: z.number(),
    max: z.number(),
    p95: z.number(),
  }),
  defaults: {
    retries: 1,
    backoff: { strategy: 'fixed', delayMs: 5_000 },
    timeoutMs: 120_000,
    keepResultSeconds: 7 * 86_400,
  },
});
