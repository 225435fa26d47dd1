import { createHash } from 'node:crypto';
import { nextDueAfter, scheduleRunId, type ScheduleDefinition, type ScheduleTiming } from '@jobq/job-defs';
import { resolveEnqueueOptions } from './enqueue-options';
import type { QueueKeys } from './keys';
import type { ScheduledRunMeta, StoredJob } from './records';

/**
 * A schedule as stored in `QueueKeys.schedules` (JSON per name; written by the
 * schedule Lua scripts). Times are ms since the epoch; 0 means "none".
 */
export interface StoredSchedule {
  readonly name: string;
  /** Job (contract) name its runs have. */
  readonly job: string;
  /** Queue it lives on. */
  readonly queue: string;
  /** Version: a hash of the definition; a re-declaration with another one replaces it. */
  readonly v: string;
  readonly timing: ScheduleTiming;
  readonly startAt: number;
  readonly endAt: number;
  readonly limit: number;
  readonly description: string;
  /** The stored job JSON each run is made from (`due` and timestamps filled per run). */
  readonly template: string;
  readonly paused: boolean;
  /** Scheduled runs taken so far. */
  readonly count: number;
  readonly lastRunAt: number;
  readonly lastJobId: string;
  readonly nextRunAt: number;
  /** Id of the pending next-run job ('' when none). */
  readonly pendingId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** KEYS of every schedule script (see `lua/schedules.ts`). */
export function scheduleKeys(k: QueueKeys): string[] {
  return [k.schedules, k.jobs, k.waiting, k.delayed, k.events, k.wake, k.earlierDelayed];
}

/**
 * Id of the scheduled run of `name` due at `due`, from the schedule's job id
 * pattern (`sched:<name>:<due>` without one): the same in every process, so
 * racing writers make one job.
 */
export function scheduledJobId(name: string, due: number, pattern?: string | null): string {
  return scheduleRunId(name, due, pattern);
}

/** The job id pattern kept in a stored schedule's template (`undefined`: the default ids). */
export function templateJobIdPattern(template: string): string | undefined {
  return (JSON.parse(template) as StoredJob).options.jobq.schedule?.jobId;
}

/** Id of a run started by hand at `now`. */
export function manualJobId(name: string, now: number): string {
  return `sched:${name}:manual:${now}`;
}

/** The definition fields of a stored schedule (no run state), with its version. */
export function storedDefinition(def: ScheduleDefinition, now: number): Omit<StoredSchedule, 'paused' | 'count' | 'lastRunAt' | 'lastJobId' | 'nextRunAt' | 'pendingId' | 'createdAt' | 'updatedAt'> {
  const o = resolveEnqueueOptions(def.contract, def.jobOptions, now, 'jobOptions');
  const meta: ScheduledRunMeta = {
    name: def.name,
    v: '',
    due: 0,
    timing: def.timing,
    startAt: def.startAt,
    endAt: def.endAt,
    ...(def.jobId ? { jobId: def.jobId } : {}),
  };
  const template: StoredJob = {
    data: { name: def.contract.name, payload: def.payload },
    options: {
      timestamp: 0,
      retries: o.retries,
      timeout: o.timeoutMs,
      stacktraces: [],
      ...(o.backoff ? { backoff: o.backoff } : {}),
      jobq: { ...o.jobq, schedule: meta },
    },
    status: 'created',
    progress: 0,
  };
  const fields = {
    job: def.contract.name,
    queue: def.queue,
    timing: def.timing,
    startAt: def.startAt ?? 0,
    endAt: def.endAt ?? 0,
    limit: def.limit ?? 0,
    description: def.description,
    template: JSON.stringify(template),
  };
  // The version covers the whole definition (the template with an empty version in it).
  const v = createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16);
  template.options.jobq.schedule = { ...meta, v };
  return { name: def.name, ...fields, template: JSON.stringify(template), v };
}

/** The job JSON of one run made from a schedule's template: due `due` (0 = manual, now). */
export function runJobJson(template: string, due: number, now: number): string {
  const job = JSON.parse(template) as StoredJob;
  const meta = job.options.jobq.schedule as ScheduledRunMeta;
  job.options.timestamp = now;
  job.options.jobq = { ...job.options.jobq, schedule: due > 0 ? { ...meta, due } : { ...meta, due: 0, manual: true } };
  if (due > now) job.options.delay = due;
  return JSON.stringify(job);
}

/** The same job JSON for the run after `meta`'s, made from the taken job's stored JSON. */
export function nextRunJson(stored: StoredJob, meta: ScheduledRunMeta, due: number, now: number): string {
  const job: StoredJob = {
    data: stored.data,
    options: {
      ...stored.options,
      timestamp: now,
      retries: stored.options.jobq.retries,
      stacktraces: [],
      delay: due,
      jobq: { ...stored.options.jobq, schedule: { ...meta, due, manual: undefined } },
    },
    status: 'created',
    progress: 0,
  };
  return JSON.stringify(job);
}

/**
 * When the run after one due at `due` is, taken at `now`: the first due time after
 * both, so runs missed while no worker ran collapse into the one being taken.
 * 0 when there is none.
 */
export function dueAfterRun(meta: Pick<ScheduledRunMeta, 'timing' | 'startAt' | 'endAt'>, due: number, now: number): number {
  return nextDueAfter(meta, Math.max(due, now)) ?? 0;
}
