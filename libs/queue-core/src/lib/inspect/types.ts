import type { JobState } from '../keys';
import type { JobProgress } from '../records';
import type { ThroughputPoint } from '../throughput';
import type { BoundedText } from './bounded';
import type { WorkerView } from './worker-records';

/** How many jobs a queue holds in each state. */
export interface QueueCounts {
  readonly queue: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly canceled: number;
  /** Jobs waiting for their parents (`EnqueueOptions.dependsOn`). */
  readonly deferred: number;
}

/**
 * One row of a job list: everything a list shows, with long strings already cut
 * short inside Redis so a multi-MB payload never leaves it for a list.
 */
export interface JobSummary {
  readonly id: string;
  readonly queue: string;
  readonly state: JobState;
  /** Job name (`data.name`), `null` when the stored JSON has none. */
  readonly name: string | null;
  /** Created at, ms; `null` when it could not be read. */
  readonly createdAt: number | null;
  /** Run-at, ms, of a delayed job. */
  readonly runAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  /** Attempts started so far (0 before a worker first took the job). */
  readonly attempts: number;
  /** Retries left, when known. */
  readonly retriesLeft: number | null;
  readonly worker: string | null;
  /** The start of the payload's JSON, at most `previewChars` characters. */
  readonly payloadPreview: string;
  /** Whether `payloadPreview` was cut short. */
  readonly payloadTruncated: boolean;
  /** Size of the whole stored job JSON, in bytes. */
  readonly storedBytes: number;
  /** Error message of the latest failed attempt, cut short (`null` when none, or too long to read for a list). */
  readonly error: string | null;
  /** Length of the whole error message, bytes. */
  readonly errorBytes: number;
  readonly errorCode: string | null;
  readonly progress: JobProgress | null;
  /** The stored JSON could not be read as a job (shown as malformed on its row). */
  readonly malformed: boolean;
}

/** The bounded scan behind a name filter on waiting, active and delayed lists. */
export interface NameScan {
  /** How many of the newest jobs were looked at. */
  readonly scanned: number;
  /** The most the scan looks at. */
  readonly limit: number;
  /** `true` when the scan covered the whole state. */
  readonly complete: boolean;
}

/** One page of a state's jobs, newest first. */
export interface JobPage {
  readonly queue: string;
  readonly state: JobState;
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
  /** Jobs in the state (or matching the name filter). */
  readonly total: number;
  /** Pages in all (at least 1). */
  readonly pages: number;
  /** The name filter, when one was given. */
  readonly name: string | null;
  /** Set for a name filter on waiting, active or delayed (a bounded scan). */
  readonly nameScan: NameScan | null;
  readonly jobs: readonly JobSummary[];
}

/** What {@link QueueInspector.listJobs} accepts. */
export interface ListJobsOptions {
  /**
   * 1-based page.
   * @defaultValue 1
   */
  readonly page?: number;
  /**
   * Jobs per page, 1-200.
   * @defaultValue 20
   */
  readonly pageSize?: number;
  /** Only jobs with this name. */
  readonly name?: string;
}

/** A job's value that can be downloaded whole from the job page. */
export const JOB_VALUE_FIELDS = ['payload', 'result', 'error', 'code', 'stack', 'progress', 'job'] as const;
/** One of {@link JOB_VALUE_FIELDS}. */
export type JobValueField = (typeof JOB_VALUE_FIELDS)[number];

/** Retries of a job: what it was created with, how many it used, how many are left. */
export interface JobRetries {
  readonly configured: number | null;
  readonly used: number | null;
  readonly left: number | null;
}

/** The enqueue options of a job, as a readable summary. */
export interface JobOptionsSummary {
  readonly retries: JobRetries;
  readonly backoff: { readonly strategy: string; readonly delayMs: number } | null;
  readonly timeoutMs: number | null;
  readonly keepResultSeconds: number | null;
  readonly keepFailedSeconds: number | null;
  /** Run-at asked for at enqueue (delayed jobs), ms. */
  readonly delayUntil: number | null;
}

/**
 * Everything stored about one job, every value bounded (see `VALUE_LIMITS`):
 * a page built from it stays small whatever a handler stored; the whole values
 * are read with `QueueInspector.rawValue`.
 */
export interface JobDetail {
  readonly id: string;
  readonly queue: string;
  /** The job's real state, from the structure that holds it. */
  readonly state: JobState;
  readonly name: string | null;
  /** What is wrong with the stored record, `null` when it is well formed. */
  readonly malformed: string | null;
  /** Payload JSON. */
  readonly payload: BoundedText;
  /** Size of the whole stored job JSON, in bytes. */
  readonly storedBytes: number;
  readonly options: JobOptionsSummary;
  /** The raw options JSON (without the stack traces), bounded. */
  readonly optionsJson: BoundedText;
  /** Stacks of earlier attempts, most recent first (at most 5, each bounded). */
  readonly earlierStacks: readonly BoundedText[];
  readonly createdAt: number | null;
  /** Run-at, ms, of a delayed job. */
  readonly runAt: number | null;
  readonly attempts: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  readonly stalls: number;
  /** When an operator asked to cancel the job while it ran, ms (`null` when nobody did). */
  readonly cancelRequestedAt: number | null;
  readonly worker: string | null;
  readonly error: { readonly message: BoundedText; readonly code: BoundedText; readonly stack: BoundedText } | null;
  readonly progress: { readonly percent: number; readonly message: BoundedText | null } | null;
  /** Result JSON of a succeeded job, `null` when there is none. */
  readonly result: BoundedText | null;
  readonly retries: JobRetries;
  /** The job's log lines (`ctx.log`), oldest first: at most the newest 200, each bounded. */
  readonly log: { readonly total: number; readonly lines: readonly { readonly at: number | null; readonly text: BoundedText }[] };
}

/** Where a job id was found. */
export interface JobLocation {
  readonly queue: string;
  readonly id: string;
  readonly state: JobState;
  readonly name: string | null;
}

/** Per-queue counts, live workers and summed throughput: the overview page. */
export interface Overview {
  readonly queues: readonly QueueCounts[];
  readonly workers: readonly WorkerView[];
  /** Age of each queue's oldest waiting job, ms (`null` when none waits), by queue. */
  readonly latency: Readonly<Record<string, number | null>>;
  /** Processed and failed per minute over every queue, oldest first. */
  readonly throughput: readonly ThroughputPoint[];
}
