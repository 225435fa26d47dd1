import type { AnyJobContract } from '@jobq/job-defs';
import type { AttemptAbort } from './attempt-abort';
import { backoffDelay } from './backoff';
import {
  JobCanceledError,
  JobTimeoutError,
  ParentResultUnavailableError,
  PayloadValidationError,
  QueueError,
  ResultValidationError,
  UnknownJobError,
  UnrecoverableError,
} from './errors';
import type { BoundHandler, JobContext } from './handler';
import { noParents, type ParentReader } from './parent-results';
import type { JobProgress, StoredJob } from './records';
import { toFieldIssues } from './validation';

/** A job a worker has just taken. */
export interface TakenJob {
  readonly queue: string;
  readonly id: string;
  /** bee-queue's job JSON as stored. */
  readonly json: string;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** The parsed JSON, or `null` when it is unreadable (then see `parseError`). */
  readonly stored: StoredJob | null;
  readonly parseError?: string;
}

/** Key of a job (or of a handler) within one worker: queue and id (or job name). */
export function slotKey(queue: string, idOrName: string): string {
  return `${queue}\u0000${idOrName}`;
}

/** Name recorded for a job whose stored JSON cannot be read. */
export const UNREADABLE = '(unreadable)';

/** Parses a job's stored JSON once, for both the dispatcher and the attempt. */
export function parseStoredJob(json: string): { stored: StoredJob | null; parseError?: string } {
  try {
    const stored = JSON.parse(json) as StoredJob;
    if (!stored || typeof stored !== 'object' || !stored.data || typeof stored.data.name !== 'string' || !stored.options) {
      return { stored: null, parseError: 'missing data.name or options' };
    }
    return { stored };
  } catch (err) {
    return { stored: null, parseError: (err as Error).message };
  }
}

/** How one attempt ended, ready to be recorded. */
export interface AttemptOutcome {
  readonly kind: 'succeeded' | 'failed' | 'retry';
  /** Job name, or `(unreadable)` when the stored JSON was corrupt. */
  readonly name: string;
  /** Updated bee-queue JSON to store ('' after a success: the stored JSON is kept). */
  readonly json: string;
  /** Result JSON (succeeded). */
  readonly resultJson?: string;
  readonly error?: { readonly message: string; readonly code: string; readonly stack: string };
  /** When to run again (retry); 0 = at once. */
  readonly retryAt: number;
  readonly durationMs: number;
  /** Retention deadline (succeeded / failed). */
  readonly expireAt: number;
}

/** Stack traces kept per job (newest first), as bee-queue does. */
const MAX_STACKTRACES = 10;
/** Longest stored stack or message, so one noisy error cannot bloat Redis. */
const MAX_ERROR_CHARS = 8_000;
/** Longest stored error code (codes are identifiers; anything longer is noise). */
const MAX_CODE_CHARS = 100;
/** Longest stored progress message. */
export const MAX_PROGRESS_MESSAGE_CHARS = 500;

/** `s` cut to `max` characters, saying how much was cut. */
export function bounded(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [truncated, ${s.length - max} more characters]`;
}

/** Errors that no retry can fix: the job fails at once. */
function isPermanent(err: unknown): boolean {
  return (
    err instanceof UnrecoverableError ||
    err instanceof PayloadValidationError ||
    err instanceof ResultValidationError ||
    err instanceof UnknownJobError ||
    err instanceof JobCanceledError ||
    // a parent result that is gone (or never was) does not come back on a retry
    err instanceof ParentResultUnavailableError
  );
}

function describe(err: unknown): { message: string; code: string; stack: string } {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : `non-error thrown: ${safeString(err)}`);
  const code =
    e instanceof QueueError || e instanceof UnrecoverableError
      ? e.code
      : typeof (e as { code?: unknown }).code === 'string'
        ? String((e as { code?: unknown }).code)
        : 'JOBQ_HANDLER_ERROR';
  return {
    message: bounded(String(e.message || e.name), MAX_ERROR_CHARS),
    code: bounded(code, MAX_CODE_CHARS),
    stack: bounded(String(e.stack ?? `${e.name}: ${e.message}`), MAX_ERROR_CHARS),
  };
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs one attempt of a job: parses it, checks the payload against the contract,
 * calls the handler under a timeout that aborts its signal, checks the result, and
 * decides succeeded / retry / failed. Never throws: every error becomes an outcome.
 */
export async function runAttempt(
  job: TakenJob,
  handlers: ReadonlyMap<string, BoundHandler>,
  abort: AttemptAbort,
  reportProgress: (p: JobProgress) => Promise<void>,
  log: (message: string) => void = () => undefined,
  parents?: ParentReader,
): Promise<AttemptOutcome> {
  const started = Date.now();
  if (!job.stored) {
    const error = { message: `Stored job is unreadable: ${job.parseError ?? 'not a bee-queue job'}`, code: 'JOBQ_JOB_CORRUPT', stack: '' };
    return { kind: 'failed', name: UNREADABLE, json: job.json, error, retryAt: 0, durationMs: 0, expireAt: started + 604_800_000 };
  }
  const stored = job.stored;
  const name = stored.data.name;
  const bound = handlers.get(slotKey(job.queue, name));
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!bound) throw new UnknownJobError(job.queue, name);
    const contract: AnyJobContract = bound.contract;
    const payload = contract.payload.safeParse(stored.data.payload);
    if (!payload.success) throw new PayloadValidationError(name, toFieldIssues(payload.error));

    const timeoutMs = stored.options.timeout || contract.defaults.timeoutMs;
    const parentCount = stored.options.jobq?.parents ?? 0;
    const dependencies = parents && parentCount > 0 ? await parents.context(job.queue, job.id, parentCount) : noParents(job.id);
    const schedule = scheduleContext(stored).schedule;
    const ctx: JobContext = {
      parents: dependencies.parents,
      parentResult: dependencies.parentResult,
      parentResults: dependencies.parentResults,
      id: job.id,
      name,
      queue: job.queue,
      attempt: job.attempt,
      maxAttempts: (stored.options.jobq?.retries ?? stored.options.retries) + 1,
      createdAt: stored.options.timestamp,
      ...(schedule ? { schedule } : {}),
      get signal() {
        return abort.signal;
      },
      log,
      progress: async (percent, message) => {
        if (!Number.isFinite(percent)) throw new TypeError('progress percent must be a finite number');
        const p: JobProgress = {
          percent: Math.min(100, Math.max(0, percent)),
          ...(message === undefined ? {} : { message: bounded(String(message), MAX_PROGRESS_MESSAGE_CHARS) }),
        };
        stored.progress = p;
        await reportProgress(p);
      },
    };
    let value = bound.fn(payload.data, ctx) as unknown;
    if (isThenable(value)) {
      // Only an attempt still running when the handler returns can time out or be
      // aborted (a synchronous handler holds the event loop to the end anyway).
      const aborted = new Promise<never>((_, reject) => abort.onAbort(reject));
      aborted.catch(() => undefined);
      timer = setTimeout(() => abort.abort(new JobTimeoutError(name, timeoutMs)), Math.max(0, timeoutMs - (Date.now() - started)));
      value = await Promise.race([value, aborted]);
    }
    const result = contract.result.safeParse(value);
    if (!result.success) throw new ResultValidationError(name, toFieldIssues(result.error));
    const keep = stored.options.jobq?.keepResultSeconds ?? contract.defaults.keepResultSeconds;
    const now = Date.now();
    return {
      kind: 'succeeded',
      name,
      // A success leaves the stored job as it is (its state is in the run record).
      json: '',
      resultJson: JSON.stringify(result.data ?? null),
      retryAt: 0,
      durationMs: now - started,
      expireAt: now + keep * 1000,
    };
  } catch (err) {
    const error = describe(err);
    const now = Date.now();
    stored.options.stacktraces = [error.stack, ...(stored.options.stacktraces ?? [])].slice(0, MAX_STACKTRACES);
    const retriesLeft = stored.options.retries ?? 0;
    if (!isPermanent(err) && retriesLeft > 0) {
      stored.options.retries = retriesLeft - 1;
      stored.status = 'retrying';
      const delay = backoffDelay(stored.options.backoff, job.attempt);
      return { kind: 'retry', name, json: JSON.stringify(stored), error, retryAt: delay > 0 ? now + delay : 0, durationMs: now - started, expireAt: 0 };
    }
    stored.status = 'failed';
    const keep = stored.options.jobq?.keepFailedSeconds ?? 604_800;
    return { kind: 'failed', name, json: JSON.stringify(stored), error, retryAt: 0, durationMs: now - started, expireAt: now + keep * 1000 };
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** `ctx.schedule` of a job a schedule created (its due time; a manual trigger's is its creation time). */
function scheduleContext(stored: StoredJob): Pick<JobContext, 'schedule'> {
  const meta = stored.options.jobq?.schedule;
  if (!meta) return {};
  return { schedule: { name: meta.name, dueAt: meta.due > 0 ? meta.due : stored.options.timestamp, manual: meta.manual === true } };
}
