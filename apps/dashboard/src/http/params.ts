import {
  CLEANABLE_STATES,
  DEFAULT_PAGE_SIZE,
  JOB_STATES,
  MAX_PAGE_SIZE,
  MOST_BULK_JOBS,
  MOST_JOB_ID_CHARS,
  MOST_RATE_LIMIT_INTERVAL_MS,
  MOST_RATE_LIMIT_MAX,
  NAME_PATTERN,
} from '@jobq/queue-core';
import { z } from 'zod';

/** Route parameter: a queue name. */
export const queueName = z.string().regex(NAME_PATTERN, 'is not a valid queue name');
/**
 * Route parameter: a job id. Any stored id can be opened (jobs written with ids
 * the producer would refuse too); links encode it.
 */
export const jobId = z.string().min(1, 'is empty').max(MOST_JOB_ID_CHARS, `is longer than ${MOST_JOB_ID_CHARS} characters`);
/** Route parameter: a job state. */
export const jobState = z.enum(JOB_STATES, { message: `must be one of ${JOB_STATES.join(', ')}` });

/** `/queues/:queue` */
export const queueParams = z.object({ queue: queueName });
/** `/queues/:queue/jobs/:id` */
export const jobParams = z.object({ queue: queueName, id: jobId });
/** `/queues/:queue/states/:state/...` */
export const stateParams = z.object({ queue: queueName, state: jobState });
/** `/enqueue/:name` */
/** `/workers/:name/:command`: a worker command (`quiet` or `stop`). */
export const workerCommandParams = z.object({
  name: z.string().min(1, 'is empty').max(1_000, 'is longer than 1000 characters'),
  command: z.enum(['quiet', 'stop'], { message: 'must be quiet or stop' }),
});

/** `?range=day|month` of a history page (default day). */
export const historyQuery = z.object({ range: z.enum(['day', 'month'], { message: 'must be day or month' }).default('day') }).loose();

export const contractParams = z.object({ name: z.string().regex(NAME_PATTERN, 'is not a valid job name') });

const pageNumber = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().min(1, 'must be at least 1'));

/** Query of a queue page: state tab, page, page size, name filter. */
export const listQuery = z.object({
  state: jobState.default('waiting'),
  page: pageNumber.default(1),
  size: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1).max(MAX_PAGE_SIZE))
    .default(DEFAULT_PAGE_SIZE),
  name: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().regex(NAME_PATTERN, 'is not a valid job name').optional())
    .optional(),
});

/** Query of the search box: any text (what matches no job id is simply not found). */
export const searchQuery = z.object({ id: z.string().trim().min(1, 'type a job id').max(200, 'is longer than 200 characters') });

/** Set (`max`, `intervalMs`) or clear (`clear=yes`) a queue's rate limit. */
export const rateLimitBody = z.union([
  z.object({ clear: z.literal('yes') }).loose(),
  z
    .object({
      max: z.string().trim().regex(/^\d{1,7}$/, 'must be a whole number').transform(Number).pipe(z.number().min(1, 'must be at least 1').max(MOST_RATE_LIMIT_MAX, `must be at most ${MOST_RATE_LIMIT_MAX}`)),
      intervalMs: z
        .string()
        .trim()
        .regex(/^\d{1,8}$/, 'must be a whole number of milliseconds')
        .transform(Number)
        .pipe(z.number().min(1, 'must be at least 1').max(MOST_RATE_LIMIT_INTERVAL_MS, `must be at most ${MOST_RATE_LIMIT_INTERVAL_MS}`)),
    })
    .loose(),
]);

/** Fields every destructive form may carry. */
export const confirmBody = z.object({ confirm: z.literal('yes').optional() }).loose();

/** Parses route input with `schema`; a mismatch becomes a 400 through the error handler. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  return schema.parse(input ?? {});
}

/** A bulk action on the jobs selected in a list. */
export const bulkBody = z
  .object({
    action: z.enum(['retry', 'remove'], { message: 'must be retry or remove' }),
    ids: z.union([jobId, z.array(jobId).min(1, 'select at least one job').max(MOST_BULK_JOBS, `select at most ${MOST_BULK_JOBS} jobs`)], { message: 'select at least one job' }),
    state: jobState.default('failed'),
  })
  .loose();

/** Clean a finished state of jobs older than an age. */
export const cleanBody = z
  .object({
    state: z.enum(CLEANABLE_STATES, { message: `must be one of ${CLEANABLE_STATES.join(', ')}` }),
    age: z.string().trim().regex(/^\d{1,6}$/, 'must be a whole number').transform(Number),
    unit: z.enum(['minutes', 'hours', 'days'], { message: 'must be minutes, hours or days' }),
  })
  .loose();
