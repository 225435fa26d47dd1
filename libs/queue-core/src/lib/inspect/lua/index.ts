import type { Redis } from 'ioredis';
import { EMPTY_CHUNK } from './empty-chunk';
import { PROMOTE_JOB } from './promote-job';
import { READ_SUMMARIES } from './read-summaries';
import { REMOVE_JOB } from './remove-job';
import { RETRY_JOBS } from './retry-jobs';
import { SCAN_BY_NAME } from './scan-by-name';

type Arg = string | number;

/** A row of `READ_SUMMARIES`. */
export type SummaryRow = [head: string | null, tail: string, totalBytes: number, ...run: (string | number)[]];

/** Each inspection script and what it answers. */
interface ScriptReplies {
  jobqInspectReadSummaries: SummaryRow[];
  jobqInspectScanByName: [string[], number[], number];
  jobqInspectRetryJobs: string[];
  jobqInspectRemoveJob: number;
  jobqInspectEmptyChunk: number;
  jobqInspectPromoteJob: number;
}

const SOURCES: Record<keyof ScriptReplies, string> = {
  jobqInspectReadSummaries: READ_SUMMARIES,
  jobqInspectScanByName: SCAN_BY_NAME,
  jobqInspectRetryJobs: RETRY_JOBS,
  jobqInspectRemoveJob: REMOVE_JOB,
  jobqInspectEmptyChunk: EMPTY_CHUNK,
  jobqInspectPromoteJob: PROMOTE_JOB,
};

/** Runs one inspection script (see the script's comment for its keys and arguments). */
export type RunScript = <N extends keyof ScriptReplies>(name: N, keys: readonly string[], args: readonly Arg[]) => Promise<ScriptReplies[N]>;

/**
 * Registers the inspection scripts on a connection (ioredis sends EVALSHA and
 * falls back to EVAL after a Redis restart empties the script cache).
 */
export function inspectScripts(redis: Redis): RunScript {
  for (const [name, lua] of Object.entries(SOURCES)) if (!(name in redis)) redis.defineCommand(name, { lua });
  const commands = redis as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>;
  return (name, keys, args) => commands[name].call(redis, keys.length, ...keys, ...args) as Promise<ScriptReplies[typeof name]>;
}
