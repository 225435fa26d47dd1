import { JOB_ID_PATTERN, JOB_STATES, NAME_PATTERN } from '@jobq/queue-core';
import { InvalidArgumentError } from 'commander';

/** commander parsers: each throws commander's `InvalidArgumentError` (exit 2) naming what was wrong. */

/** A queue name argument. */
export function queueName(value: string): string {
  if (!NAME_PATTERN.test(value)) throw new InvalidArgumentError('a queue name is 1-100 letters, digits, ".", "_" or "-"');
  return value;
}

/** A job name. */
export function jobName(value: string): string {
  if (!NAME_PATTERN.test(value)) throw new InvalidArgumentError('a job name is 1-100 letters, digits, ".", "_" or "-"');
  return value;
}

/** A job id argument. */
export function jobId(value: string): string {
  if (!JOB_ID_PATTERN.test(value)) throw new InvalidArgumentError('a job id is 1-200 letters, digits, ".", "_", ":", "@" or "-"');
  return value;
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max} (got "${value}")`);
    }
    return n;
  };
}

/** A number of seconds from `min` to `max` (fractions allowed). */
export function seconds(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a number of seconds from ${min} to ${max} (got "${value}")`);
    }
    return n;
  };
}

/** An ISO 8601 date-time, e.g. `2026-12-01T08:00:00Z`. */
export function isoTime(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(`must be an ISO 8601 date-time such as 2026-12-01T08:00:00Z (got "${value}")`);
  }
  return at;
}

/** The job states, for `--state`. */
export const STATES: readonly string[] = JOB_STATES;
