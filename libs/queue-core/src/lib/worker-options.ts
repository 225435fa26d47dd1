import { z } from 'zod';
import { InvalidArgumentError } from './errors';
import type { BoundHandler } from './handler';

/** Settings of a {@link Worker}. */
export interface WorkerOptions {
  /** Unique worker name shown in the registry. */
  readonly name: string;
  /** Handlers, one per contract the worker runs. */
  readonly handlers: readonly BoundHandler[];
  /**
   * Queues in priority order: a free slot always takes from the first queue that
   * has waiting jobs. @defaultValue the handlers' queues, in the order first seen
   */
  readonly queues?: readonly string[];
  /** Jobs run at once. @defaultValue 1 */
  readonly concurrency?: number;
  /** Host name for the registry. @defaultValue os.hostname() */
  readonly hostname?: string;
  /** Process id for the registry. @defaultValue process.pid */
  readonly pid?: number;
  /**
   * Interval of the stall check: a job whose worker has not claimed it for one
   * whole interval is recovered. @defaultValue 10000
   */
  readonly stallIntervalMs?: number;
  /** Times a job may lose its worker before it is failed for good. @defaultValue 2 */
  readonly maxStalls?: number;
  /** Registry heartbeat period. @defaultValue 5000 */
  readonly heartbeatMs?: number;
  /** Registry record lifetime without heartbeats. @defaultValue 3 x heartbeatMs */
  readonly registryTtlMs?: number;
  /**
   * Idle workers block on Redis and are woken the moment a job is enqueued; as a
   * safety net for jobs written without a wake-up (plain bee-queue producers),
   * the fleet also looks at its queues about this often: each worker every
   * `safetyPollMs` × the number of registered workers (jittered, at most 60 s).
   * @defaultValue 1000
   */
  readonly safetyPollMs?: number;
  /** Period of the retention sweep. @defaultValue 30000 */
  readonly sweepIntervalMs?: number;
  /**
   * Most succeeded (and, separately, failed) jobs a queue keeps; the sweep deletes
   * the oldest beyond it, whatever their retention, so history stays bounded.
   * @defaultValue 1000000
   */
  readonly maxFinishedJobs?: number;
}

const schema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'must be 1-200 letters, digits, ".", "_", ":", "@" or "-"'),
  concurrency: z.number().int().min(1).max(1000).default(1),
  stallIntervalMs: z.number().int().min(100).default(10_000),
  maxStalls: z.number().int().min(0).max(100).default(2),
  heartbeatMs: z.number().int().min(50).default(5_000),
  registryTtlMs: z.number().int().min(100).optional(),
  safetyPollMs: z.number().int().min(50).max(60_000).default(1_000),
  sweepIntervalMs: z.number().int().min(100).default(30_000),
  maxFinishedJobs: z.number().int().min(1).default(1_000_000),
  queues: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'has an invalid queue name')).min(1).optional(),
});

/** Worker settings after defaults and checks. */
export interface ResolvedWorkerOptions {
  readonly name: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  readonly stallIntervalMs: number;
  readonly maxStalls: number;
  readonly heartbeatMs: number;
  readonly registryTtlMs: number;
  readonly safetyPollMs: number;
  readonly sweepIntervalMs: number;
  readonly maxFinishedJobs: number;
}

/** Checks worker options; throws `InvalidArgumentError` naming every bad field. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const { handlers, hostname: _h, pid: _p, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    throw new InvalidArgumentError(
      `Invalid worker options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'} ${i.message}`).join('; ')}`,
    );
  }
  if (!Array.isArray(handlers) || handlers.length === 0) throw new InvalidArgumentError('Invalid worker options: handlers must list at least one handler');
  const o = parsed.data;
  const queues = o.queues ?? [...new Set(handlers.map((h) => h.contract.queue))];
  const orphan = handlers.filter((h) => !queues.includes(h.contract.queue));
  if (orphan.length > 0) {
    throw new InvalidArgumentError(
      `Invalid worker options: handler(s) ${orphan.map((h) => `"${h.contract.name}" (queue ${h.contract.queue})`).join(', ')} would never run: add their queue to queues`,
    );
  }
  return {
    name: o.name,
    queues,
    concurrency: o.concurrency,
    stallIntervalMs: o.stallIntervalMs,
    maxStalls: o.maxStalls,
    heartbeatMs: o.heartbeatMs,
    registryTtlMs: o.registryTtlMs ?? o.heartbeatMs * 3,
    safetyPollMs: o.safetyPollMs,
    sweepIntervalMs: o.sweepIntervalMs,
    maxFinishedJobs: o.maxFinishedJobs,
  };
}
