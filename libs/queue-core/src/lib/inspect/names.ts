import { InvalidArgumentError } from '../errors';
import { JOB_STATES, type JobState } from '../keys';

/** Queue and job names: what `defineJob` accepts. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Job ids: bee-queue's counters, or custom ids (what `EnqueueOptions.jobId` accepts). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

/** Throws `InvalidArgumentError` unless `queue` is a valid queue name. */
export function assertQueueName(queue: string): void {
  if (!NAME_PATTERN.test(queue)) throw new InvalidArgumentError('queue name must be 1-100 letters, digits, ".", "_" or "-"');
}

/** Throws `InvalidArgumentError` unless `name` is a valid job name. */
export function assertJobName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw new InvalidArgumentError('job name must be 1-100 letters, digits, ".", "_" or "-"');
}

/** Throws `InvalidArgumentError` unless `id` is a valid job id. */
export function assertJobId(id: string): void {
  if (!JOB_ID_PATTERN.test(id)) throw new InvalidArgumentError('job id must be 1-200 letters, digits, ".", "_", ":", "@" or "-"');
}

/** Throws `InvalidArgumentError` unless `state` is a job state. */
export function assertJobState(state: string): asserts state is JobState {
  if (!(JOB_STATES as readonly string[]).includes(state)) {
    throw new InvalidArgumentError(`state must be one of ${JOB_STATES.join(', ')}`);
  }
}

/** Longest job id the dashboard opens (ids are not checked against {@link JOB_ID_PATTERN} for reading). */
export const MOST_JOB_ID_CHARS = 1_000;

/**
 * Throws `InvalidArgumentError` unless `id` could be a stored job id: any
 * non-empty string up to {@link MOST_JOB_ID_CHARS}, so jobs written with ids the
 * producer would refuse can still be opened and removed.
 */
export function assertStoredJobId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MOST_JOB_ID_CHARS) {
    throw new InvalidArgumentError(`job id must be 1-${MOST_JOB_ID_CHARS} characters`);
  }
}
