import { CronExpressionParser } from 'cron-parser';
import type { AnyJobContract, BackoffPolicy, PayloadOf } from './contract';
import { isTimeZone } from './time-zone';

/** When a schedule is due: a cron expression in a time zone, or a fixed interval. */
export type ScheduleTiming =
  | {
      /** Cron expression, 5 fields (minute first) or 6 (seconds first), as `cron-parser` reads it. */
      readonly cron: string;
      /** IANA time zone the expression is read in (e.g. `Europe/Berlin`). @defaultValue `UTC` */
      readonly tz: string;
    }
  | {
      /** Fixed interval in ms; runs fall on whole multiples of it since `startAt` (or the Unix epoch). */
      readonly every: number;
    };

/** Per-job overrides for the jobs a schedule creates (the contract's defaults otherwise). */
export interface ScheduleJobOptions {
  readonly retries?: number;
  readonly backoff?: BackoffPolicy | null;
  readonly timeoutMs?: number;
  readonly keepResultSeconds?: number;
  readonly keepFailedSeconds?: number;
}

/** What {@link defineSchedule} takes besides the contract. */
export interface ScheduleInput<C extends AnyJobContract> {
  /** Unique per queue: re-declaring a schedule of the same name updates it. 1-100 letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** The payload every run gets, checked against the contract now. */
  readonly payload: PayloadOf<C>;
  /** Cron expression (5 or 6 fields); give `cron` or `every`, not both. */
  readonly cron?: string;
  /** Time zone of `cron`. @defaultValue `UTC` */
  readonly tz?: string;
  /** Fixed interval in ms (at least 1,000); give `cron` or `every`, not both. */
  readonly every?: number;
  /** No run before this time. */
  readonly startAt?: Date | number;
  /** No run after this time. */
  readonly endAt?: Date | number;
  /** At most this many scheduled runs in total (manual triggers do not count). */
  readonly limit?: number;
  /** Options of the jobs it creates. */
  readonly jobOptions?: ScheduleJobOptions;
  /** One line shown by the dashboard. */
  readonly description?: string;
  /**
   * Job id pattern of its runs, e.g. `nightly-report-{date}`: `{due}` (due time,
   * ms), `{date}` (due time, ISO 8601 UTC, with ':' kept) and `{name}` (schedule
   * name) are filled per run. It must contain `{due}` or `{date}` (one id per due
   * time is what makes a run exactly-once). @defaultValue `sched:{name}:{due}`
   */
  readonly jobId?: string;
}

/** A validated, frozen schedule declaration (pure data; queue-core stores and runs it). */
export interface ScheduleDefinition<C extends AnyJobContract = AnyJobContract> {
  readonly name: string;
  readonly contract: C;
  /** Queue the schedule lives on: its contract's queue. */
  readonly queue: string;
  readonly payload: PayloadOf<C>;
  readonly timing: ScheduleTiming;
  /** ms since the epoch, or `null`. */
  readonly startAt: number | null;
  /** ms since the epoch, or `null`. */
  readonly endAt: number | null;
  /** Most scheduled runs, or `null` for no limit. */
  readonly limit: number | null;
  readonly jobOptions: ScheduleJobOptions;
  readonly description: string;
  /** Job id pattern of its runs (see `ScheduleInput.jobId`), or `null` for `sched:{name}:{due}`. */
  readonly jobId: string | null;
}

/**
 * The job id of the run of schedule `name` due at `due` (ms): `pattern` with
 * `{name}`, `{due}` and `{date}` filled, or `sched:<name>:<due>` without one.
 * The same in every process, so racing writers make one job.
 */
export function scheduleRunId(name: string, due: number, pattern: string | null | undefined): string {
  if (!pattern) return `sched:${name}:${due}`;
  return pattern.replace(/\{(name|due|date)\}/g, (_, key: string) => (key === 'name' ? name : key === 'due' ? String(due) : new Date(due).toISOString()));
}

/** Shortest `every` accepted, ms. */
export const MIN_SCHEDULE_EVERY_MS = 1_000;

/** Stable code of {@link ScheduleDefinitionError}. */
export const SCHEDULE_INVALID_CODE = 'JOBQ_SCHEDULE_INVALID';

/** A schedule declaration was refused; `field` names what was wrong (`cron`, `tz`, `every`, `payload.to`...). */
export class ScheduleDefinitionError extends TypeError {
  /** Stable, machine-readable code. */
  readonly code = SCHEDULE_INVALID_CODE;

  constructor(
    readonly schedule: string,
    readonly field: string,
    why: string,
  ) {
    super(`Schedule "${schedule}": ${field} ${why}.`);
    this.name = 'ScheduleDefinitionError';
  }
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function toMs(name: string, field: string, v: Date | number | undefined): number | null {
  if (v === undefined) return null;
  const ms = v instanceof Date ? v.getTime() : v;
  if (!Number.isInteger(ms) || ms < 0) throw new ScheduleDefinitionError(name, field, 'must be a valid Date or whole ms since the epoch');
  return ms;
}

/**
 * Declares a schedule: `contract` runs with `payload` at every due time of a cron
 * expression (in a time zone) or of a fixed interval. Everything is checked here,
 * so a bad cron string, time zone, interval or payload fails at import time with a
 * {@link ScheduleDefinitionError} naming the field. Store it with queue-core's
 * `client.schedules.upsert(def)`.
 *
 * @example
 * ```ts
 * export const nightlyReport = defineSchedule(generateReport, {
 *   name: 'nightly-sales', cron: '0 2 * * *', tz: 'Europe/Berlin',
 *   payload: { reportType: 'sales', from: 'yesterday' },
 * });
 * ```
 */
export function defineSchedule<C extends AnyJobContract>(contract: C, input: ScheduleInput<C>): ScheduleDefinition<C> {
  const name = String(input.name);
  if (!NAME_PATTERN.test(name)) {
    throw new ScheduleDefinitionError(name, 'name', "is invalid: use 1-100 letters, digits, '.', '_' or '-'");
  }
  const bad = (field: string, why: string) => new ScheduleDefinitionError(name, field, why);
  let timing: ScheduleTiming;
  if (input.cron !== undefined && input.every !== undefined) throw bad('cron/every', 'are both given: give one');
  if (input.cron !== undefined) {
    const tz = input.tz ?? 'UTC';
    if (typeof tz !== 'string' || !isTimeZone(tz)) throw bad('tz', `"${String(tz)}" is not a known IANA time zone`);
    if (typeof input.cron !== 'string' || input.cron.trim() === '') throw bad('cron', 'must be a non-empty cron expression');
    const cron = input.cron.trim().replace(/\s+/g, ' ');
    if (cron.split(' ').length < 5) throw bad('cron', `"${cron}" is not a valid cron expression: it needs 5 fields (or 6 with seconds)`);
    try {
      CronExpressionParser.parse(cron, { tz, currentDate: new Date() }).next();
    } catch (err) {
      throw bad('cron', `"${cron}" is not a valid cron expression: ${(err as Error).message}`);
    }
    timing = { cron, tz };
  } else if (input.every !== undefined) {
    if (input.tz !== undefined) throw bad('tz', 'only applies to cron schedules');
    if (!Number.isInteger(input.every) || input.every < MIN_SCHEDULE_EVERY_MS) throw bad('every', `must be a whole number of ms >= ${MIN_SCHEDULE_EVERY_MS}, got ${String(input.every)}`);
    timing = { every: input.every };
  } else {
    throw bad('cron/every', 'are both missing: give a cron expression or an interval in ms');
  }
  const startAt = toMs(name, 'startAt', input.startAt);
  const endAt = toMs(name, 'endAt', input.endAt);
  if (startAt !== null && endAt !== null && endAt < startAt) throw bad('endAt', 'is before startAt');
  const limit = input.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw bad('limit', 'must be a whole number >= 1');
  const checked = contract.payload.safeParse(input.payload);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw bad(['payload', ...issue.path.map(String)].join('.'), `is invalid: ${issue.message}`);
  }
  const jobOptions = { ...(input.jobOptions ?? {}) };
  for (const [field, min] of [['retries', 0], ['timeoutMs', 1], ['keepResultSeconds', 1], ['keepFailedSeconds', 1]] as const) {
    const v = jobOptions[field];
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw bad(`jobOptions.${field}`, `must be a whole number >= ${min}`);
  }
  const jobId = input.jobId ?? null;
  if (jobId !== null) {
    if (typeof jobId !== 'string' || !/\{(due|date)\}/.test(jobId)) throw bad('jobId', 'must contain {due} or {date}, so that every due time has its own job id');
    const unknown = /\{(?!(?:name|due|date)\})[^}]*\}/.exec(jobId);
    if (unknown) throw bad('jobId', `has an unknown placeholder ${unknown[0]}: use {name}, {due} or {date}`);
    const sample = scheduleRunId(name, 4_102_444_800_000, jobId);
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/.test(sample)) {
      throw bad('jobId', `gives ids like "${sample.slice(0, 60)}", which is not a valid job id: 1-200 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit`);
    }
  }
  return Object.freeze({
    name,
    contract,
    queue: contract.queue,
    jobId,
    payload: input.payload,
    timing: Object.freeze(timing),
    startAt,
    endAt,
    limit,
    jobOptions: Object.freeze(jobOptions),
    description: input.description ?? contract.description,
  });
}

/** The timing fields of a schedule, as stored with it and with each of its jobs. */
export interface ScheduleWindow {
  readonly timing: ScheduleTiming;
  readonly startAt: number | null;
  readonly endAt: number | null;
}

/**
 * The first due time strictly after `afterMs` (ms since the epoch), or `null`
 * when there is none (past `endAt`, or a cron date that never comes).
 */
export function nextDueAfter(w: ScheduleWindow, afterMs: number): number | null {
  const from = w.startAt !== null && w.startAt - 1 > afterMs ? w.startAt - 1 : afterMs;
  let next: number;
  if ('every' in w.timing) {
    const anchor = w.startAt ?? 0;
    next = anchor + (Math.floor((from - anchor) / w.timing.every) + 1) * w.timing.every;
  } else {
    try {
      next = CronExpressionParser.parse(w.timing.cron, { tz: w.timing.tz, currentDate: new Date(from) }).next().getTime();
    } catch {
      return null;
    }
  }
  return w.endAt !== null && next > w.endAt ? null : next;
}

/** `"0 2 * * * (Europe/Berlin)"` or `"every 5 min"`: a schedule's timing in words. */
export function describeTiming(t: ScheduleTiming): string {
  if ('cron' in t) return `${t.cron} (${t.tz})`;
  const ms = t.every;
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `every ${ms / 1_000} s`;
  return `every ${ms} ms`;
}
