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
  | 'JOBQ_JOB_CANCELED'
  | 'JOBQ_JOB_ALREADY_FINISHED'
  | 'JOBQ_PARENT_NOT_FOUND'
  | 'JOBQ_PARENT_FAILED'
  | 'JOBQ_CROSS_QUEUE_DEPENDENCY'
  | 'JOBQ_PARENT_RESULT_UNAVAILABLE'
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
 * The job was canceled. A running handler's `signal` aborts with this when an
 * operator cancels its job; `result()` of a canceled job rejects with it.
 */
export class JobCanceledError extends QueueError {
  /** Id of the job. */
  readonly jobId: string;

  constructor(jobId: string, message = `Job "${jobId}" was canceled.`) {
    super('JOBQ_JOB_CANCELED', message);
    this.jobId = jobId;
  }
}

/** Cancel of a job that already finished (succeeded, failed or canceled): nothing was changed. */
export class JobAlreadyFinishedError extends QueueError {
  /** Id of the job. */
  readonly jobId: string;
  /** The state the job finished in. */
  readonly state: string;

  constructor(queue: string, jobId: string, state: string) {
    super('JOBQ_JOB_ALREADY_FINISHED', `Job "${jobId}" on queue "${queue}" already ${state === 'canceled' ? 'was canceled' : state}, so it cannot be canceled.`);
    this.jobId = jobId;
    this.state = state;
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

/**
 * A job was enqueued depending on a job id that does not exist on its queue
 * (never enqueued, removed, expired, or later in the same bulk call). Nothing
 * was written.
 */
export class ParentNotFoundError extends QueueError {
  /** The parent id that was not found. */
  readonly parentId: string;
  /** Index of the bulk item that named it (`null` for a single enqueue). */
  readonly item: number | null;

  constructor(queue: string, parentId: string, item: number | null = null) {
    super(
      'JOBQ_PARENT_NOT_FOUND',
      `${item === null ? '' : `Item ${item}: `}parent job "${parentId}" does not exist on queue "${queue}"; nothing was enqueued. A parent must be enqueued before its children (or earlier in the same bulk call).`,
    );
    this.parentId = parentId;
    this.item = item;
  }
}

/**
 * A job was enqueued depending on a job that already failed for good (or was
 * canceled): it could never run, so it is refused and nothing is written. Also the error code stored
 * on a deferred job failed because a parent failed for good or was removed.
 */
export class ParentFailedError extends QueueError {
  /** The failed parent. */
  readonly parentId: string;
  /** Index of the bulk item that named it (`null` for a single enqueue). */
  readonly item: number | null;

  constructor(queue: string, parentId: string, item: number | null = null, how: 'failed' | 'canceled' = 'failed') {
    super(
      'JOBQ_PARENT_FAILED',
      `${item === null ? '' : `Item ${item}: `}parent job "${parentId}" on queue "${queue}" ${how === 'canceled' ? 'was canceled' : 'has failed for good'}, so a job depending on it could never run; nothing was enqueued.${how === 'canceled' ? '' : ' Retry the parent first.'}`,
    );
    this.parentId = parentId;
    this.item = item;
  }
}

/**
 * A job was enqueued depending on a job of another queue. Dependencies work
 * between jobs of one queue only (every step is one atomic script on one queue's
 * keys). Nothing was written.
 */
export class CrossQueueDependencyError extends QueueError {
  constructor(queue: string, parentQueue: string, parentId: string, item: number | null = null) {
    super(
      'JOBQ_CROSS_QUEUE_DEPENDENCY',
      `${item === null ? '' : `Item ${item}: `}a job on queue "${queue}" cannot depend on job "${parentId}" of queue "${parentQueue}": dependencies work between jobs of the same queue only; nothing was enqueued.`,
    );
  }
}

/**
 * `ctx.parentResult` asked for a result that cannot be read: the id is not a
 * parent of the running job, or the parent has not succeeded (it was retried by
 * hand after failing) or its result expired (`keepResultSeconds`) or was removed.
 * Thrown out of a handler, it fails the job at once (a retry would not bring the
 * result back).
 */
export class ParentResultUnavailableError extends QueueError {
  constructor(jobId: string, parentId: string, why: string) {
    super('JOBQ_PARENT_RESULT_UNAVAILABLE', `Job "${jobId}" cannot read the result of parent job "${parentId}": ${why}.`);
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
