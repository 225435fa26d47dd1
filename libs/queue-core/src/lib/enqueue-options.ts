import type { AnyJobContract, BackoffPolicy } from '@jobq/job-defs';
import { z } from 'zod';
import { resolveParents, type ParentRef } from './dependencies';
import { InvalidArgumentError } from './errors';
import type { StoredJob } from './records';

/** Per-job overrides of a contract's defaults. */
export interface EnqueueOptions {
  /**
   * Caller-chosen id. Enqueuing the same id again while the job still exists
   * creates nothing and returns a handle to the existing job (idempotent enqueue).
   */
  readonly jobId?: string;
  /** Run no earlier than this many ms from now. */
  readonly delayMs?: number;
  /** Run no earlier than this time (Date or ms since the epoch). */
  readonly runAt?: Date | number;
  /** Extra attempts after a failure. @defaultValue the contract's `retries` */
  readonly retries?: number;
  /** Wait between attempts. @defaultValue the contract's `backoff` */
  readonly backoff?: BackoffPolicy | null;
  /** Per-attempt timeout. @defaultValue the contract's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Retention of a succeeded job. @defaultValue the contract's `keepResultSeconds` */
  readonly keepResultSeconds?: number;
  /** Retention of a failed job. @defaultValue the contract's `keepFailedSeconds` */
  readonly keepFailedSeconds?: number;
  /**
   * Jobs of the same queue this one waits for (ids or `JobHandle`s; at most
   * `MOST_PARENTS`). The job stays `deferred` until every parent succeeded; if one
   * fails for good, this job fails too (`JOBQ_PARENT_FAILED`). Parents must exist
   * already (or come earlier in the same `enqueueMany` call).
   */
  readonly dependsOn?: readonly ParentRef[];
}

const optionsSchema = z
  .object({
    jobId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/, 'must be 1-200 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit')
      .refine((v) => !/^\d+$/.test(v), 'must not be all digits (those are generated ids)')
      .optional(),
    delayMs: z.number().int().min(0).optional(),
    runAt: z.union([z.date(), z.number().int().min(0)]).optional(),
    retries: z.number().int().min(0).max(100).optional(),
    backoff: z
      .object({ strategy: z.enum(['fixed', 'exponential']), delayMs: z.number().int().min(0) })
      .nullable()
      .optional(),
    timeoutMs: z.number().int().min(1).optional(),
    keepResultSeconds: z.number().int().min(1).optional(),
    keepFailedSeconds: z.number().int().min(1).optional(),
    // checked by resolveParents (handles are class instances)
    dependsOn: z.unknown().optional(),
  })
  .strict();

/** The fields bee-queue's Job needs, resolved from contract defaults and options. */
export interface ResolvedJobOptions {
  readonly jobId: string | undefined;
  /** Absolute run-at ms, or undefined to run now. */
  readonly runAt: number | undefined;
  readonly retries: number;
  readonly backoff: StoredJob['options']['backoff'] | undefined;
  readonly timeoutMs: number;
  readonly jobq: StoredJob['options']['jobq'];
  /** Parent ids (same queue), each once. */
  readonly parents: readonly string[];
}

/**
 * Merges options over a contract's defaults; throws `InvalidArgumentError` naming
 * bad options, their paths prefixed with `itemPath` (the item index of a bulk enqueue).
 */
export function resolveEnqueueOptions(contract: AnyJobContract, options: EnqueueOptions = {}, now = Date.now(), itemPath = ''): ResolvedJobOptions {
  const parents = resolveParents(contract.queue, options?.dependsOn, itemPath, itemPath === '' ? null : Number(itemPath));
  const path = (p: string) => [itemPath, p].filter((s) => s !== '').join('.') || 'options';
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${path(i.path.join('.'))} ${i.message}`).join('; ');
    throw new InvalidArgumentError(`Invalid enqueue options for job "${contract.name}": ${detail}`);
  }
  const o = parsed.data;
  if (o.delayMs !== undefined && o.runAt !== undefined) {
    throw new InvalidArgumentError(`Invalid enqueue options for job "${contract.name}": ${path('')} give delayMs or runAt, not both`);
  }
  const d = contract.defaults;
  const runAtMs = o.runAt instanceof Date ? o.runAt.getTime() : o.runAt;
  const at = o.delayMs !== undefined ? now + o.delayMs : runAtMs;
  const backoff = o.backoff === undefined ? d.backoff : o.backoff;
  const retries = o.retries ?? d.retries;
  return {
    jobId: o.jobId,
    runAt: at !== undefined && at > now ? at : undefined,
    retries,
    backoff: backoff ? { strategy: backoff.strategy, delay: backoff.delayMs } : undefined,
    timeoutMs: o.timeoutMs ?? d.timeoutMs,
    jobq: {
      retries,
      keepResultSeconds: o.keepResultSeconds ?? d.keepResultSeconds,
      keepFailedSeconds: o.keepFailedSeconds ?? d.keepFailedSeconds,
      ...(parents.length > 0 ? { parents: parents.length } : {}),
    },
    parents,
  };
}
