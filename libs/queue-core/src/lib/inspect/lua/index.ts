import type { Redis } from 'ioredis';
import { EMPTY_CHUNK } from './empty-chunk';
import { READ_SUMMARIES } from './read-summaries';
import { REMOVE_JOB } from './remove-job';
import { RETRY_JOBS } from './retry-jobs';
import { SCAN_BY_NAME } from './scan-by-name';

const SCRIPTS = {
  jobqInspectReadSummaries: READ_SUMMARIES,
  jobqInspectScanByName: SCAN_BY_NAME,
  jobqInspectRetryJobs: RETRY_JOBS,
  jobqInspectRemoveJob: REMOVE_JOB,
  jobqInspectEmptyChunk: EMPTY_CHUNK,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** A row of `READ_SUMMARIES`. */
export type SummaryRow = [head: string | null, tail: string, totalBytes: number, ...run: (string | number)[]];

/**
 * The inspection scripts, registered on one ioredis connection (EVALSHA, with
 * ioredis falling back to EVAL after a Redis restart empties the script cache).
 */
export class InspectScripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
  }

  private call<T>(name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    const fn = (this.redis as unknown as Record<ScriptName, (...a: Arg[]) => Promise<T>>)[name];
    return fn.call(this.redis, keys.length, ...keys, ...args);
  }

  /** See `READ_SUMMARIES`. */
  readSummaries(keys: readonly string[], args: readonly Arg[]): Promise<SummaryRow[]> {
    return this.call('jobqInspectReadSummaries', keys, args);
  }

  /** See `SCAN_BY_NAME`. */
  scanByName(keys: readonly string[], args: readonly Arg[]): Promise<[string[], number[], number]> {
    return this.call('jobqInspectScanByName', keys, args);
  }

  /** See `RETRY_JOBS`. */
  retryJobs(keys: readonly string[], args: readonly Arg[]): Promise<string[]> {
    return this.call('jobqInspectRetryJobs', keys, args);
  }

  /** See `REMOVE_JOB`. */
  removeJob(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqInspectRemoveJob', keys, args);
  }

  /** See `EMPTY_CHUNK`. */
  emptyChunk(keys: readonly string[], args: readonly Arg[]): Promise<number> {
    return this.call('jobqInspectEmptyChunk', keys, args);
  }
}
