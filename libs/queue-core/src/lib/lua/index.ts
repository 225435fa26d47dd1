import type { Redis } from 'ioredis';
import { CHECK_STALLED } from './check-stalled';
import { FETCH_JOBS } from './fetch-jobs';
import { FINISH_JOB } from './finish-job';
import { REQUEUE_JOBS } from './requeue-jobs';
import { SWEEP_EXPIRED } from './sweep-expired';

const SCRIPTS = {
  jobqFetchJobs: FETCH_JOBS,
  jobqFinishJob: FINISH_JOB,
  jobqCheckStalled: CHECK_STALLED,
  jobqRequeueJobs: REQUEUE_JOBS,
  jobqSweepExpired: SWEEP_EXPIRED,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/**
 * The worker's Lua scripts, registered on one ioredis connection. ioredis sends
 * EVALSHA and falls back to EVAL after a Redis restart empties the script cache.
 */
export class WorkerScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
  }

  private call<T>(name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    const fn = (this.redis as unknown as Record<ScriptName, (...a: Arg[]) => Promise<T>>)[name];
    return fn.call(this.redis, keys.length, ...keys, ...args);
  }

  /** See `FETCH_JOBS`. */
  fetchJobs(keys: readonly string[], args: readonly Arg[]): Promise<(string | number)[]> {
    return this.call('jobqFetchJobs', keys, args);
  }

  /** See `FINISH_JOB`: the outcome code and the next jobs taken for the slot. */
  finishJob(keys: readonly string[], args: readonly Arg[]): Promise<[number, (string | number)[]]> {
    return this.call('jobqFinishJob', keys, args);
  }

  /** See `CHECK_STALLED`. */
  checkStalled(keys: readonly string[], args: readonly Arg[]): Promise<[string[], string[]]> {
    return this.call('jobqCheckStalled', keys, args);
  }

  /** See `REQUEUE_JOBS`. */
  requeueJobs(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqRequeueJobs', keys, args);
  }

  /** See `SWEEP_EXPIRED`. */
  sweepExpired(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqSweepExpired', keys, args);
  }
}
