import type { ScheduleTiming } from '@jobq/job-defs';
import type { JobState } from './keys';

/**
 * What a job created by a schedule carries in `options.jobq.schedule`: enough for
 * the worker that takes it to compute and enqueue the schedule's next run without
 * reading the schedule first.
 */
export interface ScheduledRunMeta {
  /** Schedule name. */
  readonly name: string;
  /** Version (hash of the definition) the job was created under. */
  readonly v: string;
  /** The due time this run is for, ms; 0 for a manual trigger. */
  readonly due: number;
  /** Set on runs started by `trigger` (they do not schedule a next run). */
  readonly manual?: boolean;
  /** Job id pattern of the schedule's runs (`ScheduleInput.jobId`); absent: `sched:<name>:<due>`. */
  readonly jobId?: string;
  readonly timing: ScheduleTiming;
  readonly startAt: number | null;
  readonly endAt: number | null;
}

/**
 * The JSON bee-queue keeps per job in `<queue>:jobs`. `data` carries the job name
 * next to the payload so several contracts can share one queue; `options.jobq`
 * carries what bee-queue has no field for.
 */
export interface StoredJob {
  data: { name: string; payload: unknown };
  options: {
    /** Created at, ms (bee-queue). */
    timestamp: number;
    /** Retries left (bee-queue decrements it per failed attempt). */
    retries: number;
    /** bee-queue's backoff shape. */
    backoff?: { strategy: 'fixed' | 'exponential'; delay: number };
    /** Attempt timeout, ms. */
    timeout: number;
    /** Run at, ms, for delayed jobs (bee-queue). */
    delay?: number;
    /** Most recent first (bee-queue). */
    stacktraces: string[];
    jobq: {
      /** Retries the job was created with. */
      retries: number;
      keepResultSeconds: number;
      keepFailedSeconds: number;
      /** How many parents the job was enqueued with (absent: none); see `EnqueueOptions.dependsOn`. */
      parents?: number;
      /** Set on jobs a schedule created (see `ScheduledRunMeta`). */
      schedule?: ScheduledRunMeta;
    };
  };
  status: 'created' | 'retrying' | 'succeeded' | 'failed';
  progress: unknown;
}

/**
 * Our per-job run record, a Redis hash at `QueueKeys.run(id)`; all values are
 * strings in Redis. Absent until a worker first takes the job.
 */
export interface RunRecord {
  state?: JobState;
  /** Attempts started so far. */
  attempts?: number;
  /** Start of the latest attempt, ms. */
  startedAt?: number;
  /** End of the final attempt, ms. */
  finishedAt?: number;
  /** Duration of the latest attempt, ms. */
  durationMs?: number;
  /** Name of the worker that ran the latest attempt. */
  worker?: string;
  /** Latest progress report, JSON `{ percent, message? }`. */
  progress?: string;
  /** Result JSON of a succeeded job. */
  result?: string;
  /** Error message of the latest failed attempt. */
  error?: string;
  /** Error code of the latest failed attempt. */
  errorCode?: string;
  /** Stack of the latest failed attempt. */
  stack?: string;
  /** Times a worker died holding this job. */
  stalls?: number;
  /** Set (ms) when an operator canceled the job while it ran: it ends `canceled` whatever its handler does. */
  cancelRequested?: number;
  /** Run-at ms asked for at enqueue by a deferred job (0 = at once when released). */
  runAt?: number;
  /** The parent whose failure (or removal) failed this job (`JOBQ_PARENT_FAILED`). */
  failedParent?: string;
}

/** Parses a run-record hash as read from Redis (string values). */
export function parseRunRecord(raw: Record<string, string>): RunRecord {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    state: raw['state'] as JobState | undefined,
    attempts: num(raw['attempts']),
    startedAt: num(raw['startedAt']),
    finishedAt: num(raw['finishedAt']),
    durationMs: num(raw['durationMs']),
    worker: raw['worker'],
    progress: raw['progress'],
    result: raw['result'],
    error: raw['error'],
    errorCode: raw['errorCode'],
    stack: raw['stack'],
    stalls: num(raw['stalls']),
    cancelRequested: num(raw['cancelRequested']),
    runAt: num(raw['runAt']),
    failedParent: raw['failedParent'],
  };
}

/** A progress report: a percentage and an optional message. */
export interface JobProgress {
  readonly percent: number;
  readonly message?: string;
}

/** What the registry keeps per worker (JSON at `GlobalKeys.worker(name)`). */
export interface WorkerInfo {
  readonly name: string;
  readonly hostname: string;
  readonly pid: number;
  /** Queues in priority order. */
  readonly queues: readonly string[];
  readonly concurrency: number;
  /** `quiet`: asked to take no new jobs; it finishes the running ones. */
  readonly state: 'idle' | 'busy' | 'quiet' | 'stopping';
  /** Jobs running now. */
  readonly running: readonly { queue: string; id: string; name: string; startedAt: number }[];
  readonly processed: number;
  readonly failed: number;
  /** Total time spent running jobs, ms (summed over slots). */
  readonly busyMs: number;
  readonly startedAt: number;
  readonly lastHeartbeat: number;
}
