/**
 * The Redis key layout. bee-queue owns `<prefix>:<queue>:{id,jobs,waiting,active,
 * succeeded,failed,delayed,stalling,stallBlock,events,earlierDelayed}`; every key
 * of ours lives under `:x:` so the two never collide and bee-queue tools (Arena)
 * still read the queue.
 */

/** Job states a queue holds. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'succeeded', 'failed', 'canceled', 'deferred'] as const;
/** A job state. */
export type JobState = (typeof JOB_STATES)[number];
/**
 * The states with an ordered history index of our own. `canceled` has no
 * bee-queue set: its index is its only home (see `cancel-job`).
 */
export type FinishedState = 'succeeded' | 'failed' | 'canceled';

/** Keys of one queue. */
export interface QueueKeys {
  /** bee-queue's `prefix:queue:` */
  readonly base: string;
  readonly id: string;
  /** Hash: job id -> bee-queue job JSON `{data, options, status, progress}`. */
  readonly jobs: string;
  /** List, LPUSH to add, RPOP side is the next job. */
  readonly waiting: string;
  /** List of running job ids. */
  readonly active: string;
  /** Set (bee-queue). */
  readonly succeeded: string;
  /** Set (bee-queue). */
  readonly failed: string;
  /** Zset: id -> run-at ms. */
  readonly delayed: string;
  readonly stalling: string;
  readonly stallBlock: string;
  readonly earlierDelayed: string;
  /** Hash per job: our run record (see `RunRecord`). */
  run(id: string): string;
  /**
   * List per job: its log lines (`ctx.log`), oldest first, each `<ms> <text>`,
   * trimmed to the newest `JOB_LOG_MAX_LINES`; deleted with the job.
   */
  log(id: string): string;
  /** Zset: id -> finishedAt ms, for ordered history of a finished state. */
  index(state: FinishedState): string;
  /** Zset: id -> finishedAt ms, for one job name. */
  nameIndex(state: FinishedState, name: string): string;
  /** Zset: id -> expire-at ms (retention). */
  readonly expiry: string;
  /** Hash per minute (`processed`, `failed`), expires after the throughput retention. */
  throughput(minuteEpoch: number): string;
  /**
   * Hash per hour: finished jobs with per-job-name counts, failures and log-scale
   * duration buckets (see `FINISH_JOB`), expires after the history retention.
   */
  throughputHour(hourEpoch: number): string;
  /** Lock so only one worker runs the retention sweep at a time. */
  readonly janitorLock: string;
  /**
   * Stream of job events (`ev`, `id`, `name`, `at`, optional `data`), appended by
   * every script that changes a job's state and trimmed by length.
   */
  readonly events: string;
  /**
   * List of wake-up tokens: whoever makes jobs waiting pushes one (if the list is
   * empty) and an idle worker blocked on it takes jobs at once.
   */
  readonly wake: string;
  /**
   * Hash of the queue's flow control (see `flow-control.ts`): `paused` ('1' when
   * paused), `limitMax` and `limitMs` (rate limit: at most limitMax starts per
   * limitMs window). Read by `take` with one HMGET per queue.
   */
  readonly flow: string;
  /** Set of running jobs an operator canceled (`CANCEL_JOB` adds, the finish and stall scripts remove). */
  readonly canceling: string;
  /** String per rate-limit window (`floor(now / limitMs)`): job starts counted in it; expires after the window. */
  rate(window: number): string;
  /** Zset: id -> enqueued-at ms of jobs waiting for their parents (`deferred`); see lua/dependencies.ts. */
  readonly deferred: string;
  /** Set per deferred job: the ids of its parents that have not succeeded yet. */
  deps(id: string): string;
  /** List per job: every parent it was enqueued with, in order (kept until the job is deleted). */
  parents(id: string): string;
  /** Set per job: the jobs that were enqueued depending on it. */
  children(id: string): string;
  /**
   * Hash: schedule name -> stored schedule JSON (see `schedules.ts`): its
   * definition, version, paused flag, run count, last run and pending job.
   */
  readonly schedules: string;
}

/** Keys of a queue `queue` under `prefix`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:${queue}:`;
  const x = `${base}x:`;
  return {
    base,
    id: `${base}id`,
    jobs: `${base}jobs`,
    waiting: `${base}waiting`,
    active: `${base}active`,
    succeeded: `${base}succeeded`,
    failed: `${base}failed`,
    delayed: `${base}delayed`,
    stalling: `${base}stalling`,
    stallBlock: `${base}stallBlock`,
    earlierDelayed: `${base}earlierDelayed`,
    run: (id) => `${x}run:${id}`,
    log: (id) => `${x}log:${id}`,
    index: (state) => `${x}idx:${state}`,
    nameIndex: (state, name) => `${x}idx:${state}:name:${name}`,
    expiry: `${x}expiry`,
    throughput: (minute) => `${x}tput:${minute}`,
    throughputHour: (hour) => `${x}tput:h:${hour}`,
    janitorLock: `${x}janitor`,
    events: `${x}events`,
    wake: `${x}wake`,
    flow: `${x}flow`,
    canceling: `${x}canceling`,
    rate: (window) => `${x}flow:rate:${window}`,
    deferred: `${x}idx:deferred`,
    deps: (id) => `${x}deps:${id}`,
    parents: (id) => `${x}parents:${id}`,
    children: (id) => `${x}children:${id}`,
    schedules: `${x}schedules`,
  };
}

/** Keys shared by all queues under a prefix. */
export interface GlobalKeys {
  /** Set of every queue name seen by a producer or worker. */
  readonly queues: string;
  /** Zset: worker name -> last heartbeat ms. */
  readonly workers: string;
  /** String (JSON `WorkerInfo`) per worker, with a TTL renewed by heartbeats. */
  worker(name: string): string;
  /** Hash per worker: operator commands (`quiet`, `stop`) waiting for it to read them. */
  control(name: string): string;
  /** List per worker: a token pushed with each command, so an idle worker blocked on it reads them at once. */
  controlWake(name: string): string;
}

/** Keys shared by all queues under `prefix`. */
export function globalKeys(prefix: string): GlobalKeys {
  return {
    queues: `${prefix}:x:queues`,
    workers: `${prefix}:x:workers`,
    worker: (name) => `${prefix}:x:worker:${name}`,
    control: (name) => `${prefix}:x:control:${name}`,
    controlWake: (name) => `${prefix}:x:control:${name}:wake`,
  };
}

/** Hours since the epoch, the bucket of the hourly throughput history. */
export function hourOf(ms: number): number {
  return Math.floor(ms / 3_600_000);
}

/** Minutes since the epoch, the bucket of the throughput counters. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}
