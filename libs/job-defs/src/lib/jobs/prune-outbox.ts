import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

/**
 * Housekeeping: deletes messages older than `olderThanHours` from the outbox
 * folder the development email transport writes to, so it stays bounded.
 * Made for an interval schedule.
 */
export const pruneOutbox = defineJob({
  name: 'outbox.prune',
  queue: QUEUE.low,
  description: 'Delete outbox messages older than a number of hours',
  payload: z.object({
    olderThanHours: z.number().int().min(1).max(24 * 365).default(24).describe('Keep messages younger than this'),
  }),
  result: z.object({ removed: z.number().int(), kept: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 60_000, keepResultSeconds: 86_400 },
});
