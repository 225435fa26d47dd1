/** Stable codes of every error queue-core throws. */
export type QueueErrorCode =
  | 'JOBQ_CONFIG_INVALID'
  | 'JOBQ_REDIS_UNAVAILABLE'
  | 'JOBQ_PAYLOAD_INVALID'
  | 'JOBQ_RESULT_INVALID'
  | 'JOBQ_JOB_NOT_FOUND'
  | 'JOBQ_JOB_FAILED'
  | 'JOBQ_JOB_TIMEOUT'
  | 'JOBQ_RESULT_TIMEOUT'
  | 'JOBQ_JOB_STALLED'
  | 'JOBQ_UNKNOWN_JOB'
  | 'JOBQ_INVALID_ARGUMENT'
  | 'JOBQ_JOB_ID_CONFLICT'
  | 'JOBQ_CONTRACT_MISMATCH'
  | 'JOBQ_CLOSED'
  | 'JOBQ_SCHEDULE_NOT_FOUND'
  | 'JOBQ_SCHEDULE_AMBIGUOUS';

/** One field that failed validation: a dotted path and what was wrong with it. */
export interface FieldIssue {
  /** Dotted path of the field (`to`, `items.2.sku`); empty for the value itself. */
  readonly path: string;
  /** What was wrong, in words. */
  readonly message: string;
}

/** Base class of every queue-core error: carries a stable `code`. */
export class QueueError extends Error {
  /** Stable, machine-readable code; safe to switch on. */
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The configuration given to queue-core is not valid; the message names each bad field. */
export class ConfigError extends QueueError {
  /** Every bad field (`redisUrl`, `prefix`, ...), for callers that map them to their own names. */
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[] = []) {
    super('JOBQ_CONFIG_INVALID', message);
    this.issues = issues;
  }
}

/** Redis did not answer in time. */
export class RedisUnavailableError extends QueueError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('JOBQ_REDIS_UNAVAILABLE', message, options);
  }
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path || '(value)'}: ${i.message}`).join('; ');
}

/**
 * A payload did not match its contract. Thrown by `enqueue` before anything is
 * written, and recorded as the failure of a job a worker received with a bad payload.
 */
export class PayloadValidationError extends QueueError {
  /** Every bad field. */
  readonly issues: readonly FieldIssue[];
  /** The job the payload was meant for. */
  readonly jobName: string;

  constructor(jobName: string, issues: readonly FieldIssue[]) {
    super('JOBQ_PAYLOAD_INVALID', `Invalid payload for job "${jobName}": ${describeIssues(issues)}`);
    this.issues = issues;
    this.jobName = jobName;
  }
}

/** A handler returned a value that does not match its contract's result schema. */
export class ResultValidationError extends QueueError {
  /** Every bad field. */
  readonly issues: readonly FieldIssue[];

  constructor(jobName: string, issues: readonly FieldIssue[]) {
    super('JOBQ_RESULT_INVALID', `Handler of job "${jobName}" returned an invalid result: ${describeIssues(issues)}`);
    this.issues = issues;
  }
}

/** No job with that id exists (never did, or its retention ran out). */
export class JobNotFoundError extends QueueError {
  constructor(queue: string, id: string) {
    super('JOBQ_JOB_NOT_FOUND', `Job "${id}" was not found on queue "${queue}" (it may have expired after its retention period).`);
  }
}

/** The job ended failed; `result()` rejects with this. */
export class JobFailedError extends QueueError {
  /** Id of the job. */
  readonly jobId: string;
  /** Code of the error the job failed with, when it had one. */
  readonly failureCode: string | undefined;
  /** Stack trace recorded by the worker. */
  readonly remoteStack: string | undefined;

  constructor(jobId: string, message: string, failureCode?: string, remoteStack?: string) {
    super('JOBQ_JOB_FAILED', `Job "${jobId}" failed: ${message}`);
    this.jobId = jobId;
    this.failureCode = failureCode;
    this.remoteStack = remoteStack;
  }
}

/** An attempt ran longer than its timeout; the handler's AbortSignal fired. */
export class JobTimeoutError extends QueueError {
  constructor(jobName: string, timeoutMs: number) {
    super('JOBQ_JOB_TIMEOUT', `Job "${jobName}" timed out after ${timeoutMs} ms; the handler was told through its AbortSignal.`);
  }
}

/** `result({ timeoutMs })` gave up waiting; the job itself goes on. */
export class ResultTimeoutError extends QueueError {
  constructor(jobId: string, timeoutMs: number) {
    super('JOBQ_RESULT_TIMEOUT', `Job "${jobId}" did not finish within ${timeoutMs} ms; it is still queued or running.`);
  }
}

/** The failure message of a job over the stall limit (`%d` = times); also used by the Lua stall check. */
export const STALLED_MESSAGE_TEMPLATE =
  'The job lost its worker %d times (worker crashed or was killed while running it); it was failed instead of being retried again.';

/** The job killed or lost its worker more times than the stall limit allows. */
export class JobStalledError extends QueueError {
  constructor(stalls: number) {
    super('JOBQ_JOB_STALLED', STALLED_MESSAGE_TEMPLATE.replace('%d', String(stalls)));
  }
}

/** A worker received a job whose name has no handler bound. */
export class UnknownJobError extends QueueError {
  constructor(queue: string, name: string) {
    super('JOBQ_UNKNOWN_JOB', `No handler is bound for job "${name}" on queue "${queue}"; bind one with handle(contract, fn).`);
  }
}

/** A caller passed an argument that cannot be used (bad id, page, state...). */
export class InvalidArgumentError extends QueueError {
  constructor(message: string) {
    super('JOBQ_INVALID_ARGUMENT', message);
  }
}

/**
 * `enqueue` with a caller-chosen id that already belongs to a job of another
 * name on the same queue. Nothing was written.
 */
export class JobIdConflictError extends QueueError {
  /** The id asked for. */
  readonly jobId: string;
  /** Name of the job that already has that id. */
  readonly existingName: string;

  constructor(queue: string, jobId: string, requestedName: string, existingName: string) {
    super(
      'JOBQ_JOB_ID_CONFLICT',
      `Job id "${jobId}" on queue "${queue}" already belongs to a "${existingName || '(unreadable)'}" job, not "${requestedName}"; nothing was enqueued. Use another id.`,
    );
    this.jobId = jobId;
    this.existingName = existingName;
  }
}

/**
 * A handle was used for a job stored under another job name (e.g.
 * `client.job(deliverWebhook, id)` for an email job): its typed result would be
 * a lie, so the call rejects instead.
 */
export class JobContractMismatchError extends QueueError {
  constructor(queue: string, jobId: string, expectedName: string, actualName: string) {
    super(
      'JOBQ_CONTRACT_MISMATCH',
      `Job "${jobId}" on queue "${queue}" is a "${actualName || '(unreadable)'}" job, not "${expectedName}"; use the handle of its own contract.`,
    );
  }
}

/** The client or worker was already closed. */
export class ClosedError extends QueueError {
  constructor(what: string) {
    super('JOBQ_CLOSED', `${what} is closed.`);
  }
}

/**
 * Throw this from a handler to fail the job at once, without using its retries
 * (e.g. a webhook receiver answered 4xx).
 */
export class UnrecoverableError extends Error {
  /** Stable code stored with the failure. */
  readonly code: string;

  constructor(message: string, code = 'JOBQ_UNRECOVERABLE') {
    super(message);
    this.name = 'UnrecoverableError';
    this.code = code;
  }
}

/** No schedule of that name exists (on that queue, or on any queue when none was given). */
export class ScheduleNotFoundError extends QueueError {
  constructor(name: string, queue?: string) {
    super('JOBQ_SCHEDULE_NOT_FOUND', `Schedule "${name}" was not found${queue ? ` on queue "${queue}"` : ' on any queue'}.`);
  }
}

/** A schedule name given without a queue exists on several queues: say which one. */
export class ScheduleAmbiguousError extends QueueError {
  constructor(name: string, queues: readonly string[]) {
    super('JOBQ_SCHEDULE_AMBIGUOUS', `Schedule "${name}" exists on several queues (${queues.join(', ')}); name the queue.`);
  }
}
