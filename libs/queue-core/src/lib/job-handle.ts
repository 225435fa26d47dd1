import type { AnyJobContract, ResultOf } from '@jobq/job-defs';
import type { Redis } from 'ioredis';
import { JobFailedError, JobNotFoundError, ResultTimeoutError } from './errors';
import { queueKeys, type JobState } from './keys';
import type { JobProgress } from './records';

/** Where a job is now; `missing` when it never existed or its retention ran out. */
export type JobStatus = JobState | 'missing';

/** How to wait for a result. */
export interface ResultWaitOptions {
  /** Give up after this long with `ResultTimeoutError`. @defaultValue 30000 */
  readonly timeoutMs?: number;
}

/**
 * A typed reference to one job: its id, its status, and its result once it has
 * one. Cheap to create; every method reads Redis when called.
 */
export class JobHandle<C extends AnyJobContract> {
  /**
   * @param created - `false` when the job id already existed, so this enqueue
   *   created nothing (idempotent enqueue with a caller-chosen id)
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly contract: C,
    readonly id: string,
    readonly created: boolean,
  ) {}

  /** Queue the job is on. */
  get queue(): string {
    return this.contract.queue;
  }

  /** Job name. */
  get name(): C['name'] {
    return this.contract.name;
  }

  /** The job's current state. */
  async status(): Promise<JobStatus> {
    const k = queueKeys(this.prefix, this.queue);
    const [[, state], [, exists], [, delayedAt]] = (await this.redis
      .pipeline()
      .hget(k.run(this.id), 'state')
      .hexists(k.jobs, this.id)
      .zscore(k.delayed, this.id)
      .exec()) as [unknown, unknown][];
    if (!exists) return 'missing';
    if (state) return state as JobState;
    return delayedAt !== null ? 'delayed' : 'waiting';
  }

  /** Latest progress report, or `null` before the first one. */
  async progress(): Promise<JobProgress | null> {
    const json = await this.redis.hget(queueKeys(this.prefix, this.queue).run(this.id), 'progress');
    return json ? (JSON.parse(json) as JobProgress) : null;
  }

  /**
   * Waits for the job to finish and resolves with its typed result. Rejects with
   * `JobFailedError` when the job failed for good, `JobNotFoundError` when it does
   * not exist, and `ResultTimeoutError` when `timeoutMs` passes first.
   */
  async result(options: ResultWaitOptions = {}): Promise<ResultOf<C>> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const k = queueKeys(this.prefix, this.queue);
    let pause = 10;
    for (;;) {
      const [[, fields], [, exists]] = (await this.redis
        .pipeline()
        .hmget(k.run(this.id), 'state', 'result', 'error', 'errorCode', 'stack')
        .hexists(k.jobs, this.id)
        .exec()) as [unknown, unknown][];
      const [state, result, error, errorCode, stack] = fields as (string | null)[];
      if (state === 'succeeded' && result !== null) return JSON.parse(result) as ResultOf<C>;
      if (state === 'failed') {
        throw new JobFailedError(this.id, error ?? 'unknown error', errorCode ?? undefined, stack ?? undefined);
      }
      if (!exists) throw new JobNotFoundError(this.queue, this.id);
      const left = deadline - Date.now();
      if (left <= 0) throw new ResultTimeoutError(this.id, timeoutMs);
      await new Promise((r) => setTimeout(r, Math.min(pause, left)));
      pause = Math.min(pause * 2, 250);
    }
  }
}
