import type { Redis } from 'ioredis';
import { CANCEL_JOB } from './cancel';
import { CHECK_STALLED } from './check-stalled';
import { ENQUEUE_JOBS } from './enqueue-jobs';
import { FETCH_JOBS } from './fetch-jobs';
import { FINISH_JOBS } from './finish-job';
import { READ_JOB } from './read-job';
import { READ_PARENTS } from './read-parents';
import { READ_THROUGHPUT } from './read-throughput';
import { REPORT_PROGRESS } from './report-progress';
import { REQUEUE_JOBS } from './requeue-jobs';
import { SCHEDULE_ADVANCE, SCHEDULE_PAUSE, SCHEDULE_REMOVE, SCHEDULE_RESUME, SCHEDULE_TRIGGER, SCHEDULE_UPSERT } from './schedules';
import { SWEEP_EXPIRED } from './sweep-expired';


const SCRIPTS = {
  jobqEnqueueJobs: ENQUEUE_JOBS,
  jobqFetchJobs: FETCH_JOBS,
  jobqFinishJobs: FINISH_JOBS,
  jobqCheckStalled: CHECK_STALLED,
  jobqRequeueJobs: REQUEUE_JOBS,
  jobqReportProgress: REPORT_PROGRESS,
  jobqReadJob: READ_JOB,
  jobqSweepExpired: SWEEP_EXPIRED,
  jobqCancelJob: CANCEL_JOB,
  jobqReadParents: READ_PARENTS,
  jobqReadThroughput: READ_THROUGHPUT,
  jobqScheduleUpsert: SCHEDULE_UPSERT,
  jobqScheduleAdvance: SCHEDULE_ADVANCE,
  jobqSchedulePause: SCHEDULE_PAUSE,
  jobqScheduleResume: SCHEDULE_RESUME,
  jobqScheduleTrigger: SCHEDULE_TRIGGER,
  jobqScheduleRemove: SCHEDULE_REMOVE,
} as const;

/** The schedule scripts (see `schedules.ts`), by operation. */
export type ScheduleOp = 'upsert' | 'advance' | 'pause' | 'resume' | 'trigger' | 'remove';
const SCHEDULE_SCRIPTS: Record<ScheduleOp, ScriptName> = {
  upsert: 'jobqScheduleUpsert',
  advance: 'jobqScheduleAdvance',
  pause: 'jobqSchedulePause',
  resume: 'jobqScheduleResume',
  trigger: 'jobqScheduleTrigger',
  remove: 'jobqScheduleRemove',
};

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** Reply of `take`: flat job list (queue index, id, JSON, attempt, ...) and the earliest delayed run-at (-1 none, 0 batch full). */
export type TakeReply = [(string | number)[], number];

/**
 * queue-core's Lua scripts, registered on one ioredis connection. ioredis sends
 * EVALSHA and falls back to EVAL when the script cache is empty (after a Redis
 * restart, a failover or `SCRIPT FLUSH`), so no call ever fails with NOSCRIPT.
 * Scripts are never sent inside pipelines, where that fallback does not apply.
 */
export class QueueScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
  }

  private call<T>(name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    const fn = (this.redis as unknown as Record<ScriptName, (...a: Arg[]) => Promise<T>>)[name];
    return fn.call(this.redis, keys.length, ...keys, ...args);
  }

  /** See `ENQUEUE_JOBS`. */
  enqueueJobs(keys: readonly string[], args: readonly Arg[]): Promise<(string | number)[]> {
    return this.call('jobqEnqueueJobs', keys, args);
  }

  /** See `FETCH_JOBS`. */
  fetchJobs(keys: readonly string[], args: readonly Arg[]): Promise<TakeReply> {
    return this.call('jobqFetchJobs', keys, args);
  }

  /** See `FINISH_JOBS`: the outcome code per job, then the take reply for the freed slots. */
  finishJobs(keys: readonly string[], args: readonly Arg[]): Promise<[number[], ...TakeReply]> {
    return this.call('jobqFinishJobs', keys, args);
  }

  /** See `CHECK_STALLED`. */
  checkStalled(keys: readonly string[], args: readonly Arg[]): Promise<[string[], string[]]> {
    return this.call('jobqCheckStalled', keys, args);
  }

  /** See `REQUEUE_JOBS`. */
  requeueJobs(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqRequeueJobs', keys, args);
  }

  /** See `REPORT_PROGRESS`. */
  reportProgress(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqReportProgress', keys, args);
  }

  /** See `READ_JOB`. */
  readJob(keys: readonly string[], args: readonly Arg[]): Promise<(string | number | null)[]> {
    return this.call('jobqReadJob', keys, args);
  }

  /** See `CANCEL_JOB`. */
  cancelJob(keys: readonly string[], args: readonly Arg[]): Promise<(string | number)[]> {
    return this.call('jobqCancelJob', keys, args);
  }

  /** See `READ_PARENTS`. */
  readParents(keys: readonly string[], args: readonly Arg[]): Promise<[number, string, number, string | null][]> {
    return this.call('jobqReadParents', keys, args);
  }

  /** See `READ_THROUGHPUT`: per-minute counters (`m`, flat processed/failed pairs) or hourly history hashes (`h`, one field/value list per hour). */
  readThroughput<T extends 'm' | 'h'>(keys: readonly string[], args: readonly [base: string, kind: T, first: number, count: number]): Promise<T extends 'm' ? (string | null)[] : string[][]> {
    return this.call('jobqReadThroughput', keys, args);
  }

  /** One of the schedule scripts (`SCHEDULE_UPSERT`, ...); KEYS and ARGV as documented in `schedules.ts`. */
  schedule<T = string | (string | number)[]>(op: ScheduleOp, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    return this.call(SCHEDULE_SCRIPTS[op], keys, args);
  }

  /** See `SWEEP_EXPIRED`. */
  sweepExpired(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqSweepExpired', keys, args);
  }
}
