import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { InvalidArgumentError, JobNotFoundError } from '../errors';
import { queueKeys, type JobState, type QueueKeys } from '../keys';
import type { StoredJob } from '../records';
import { sendWorkerCommand, WORKER_COMMANDS, type WorkerCommand } from '../worker-control';
import { setQueuePaused, setQueueRateLimit, type RateLimit } from '../flow-control';
import { cancelJob, type CancelOutcome } from '../job-cancel';
import { LargeJobReader } from './large-job-reader';
import { inspectScripts, type RunScript } from './lua';
import { assertJobState, assertQueueName, assertStoredJobId } from './names';

/** Tuning of {@link QueueAdmin}. */
export interface QueueAdminOptions {
  /**
   * Jobs handled per Redis call by bulk operations (retry all, empty), so Redis
   * never stays busy with one of them for long.
   * @defaultValue 500
   */
  readonly chunkSize?: number;
  /**
   * Approximate length the admin scripts trim a queue's job event stream to
   * when they append to it (pass `QueueConfig.eventsMaxLen`, as the runtime does).
   * @defaultValue 10000
   */
  readonly eventsMaxLen?: number;
}

/** Most jobs one bulk retry or remove accepts. */
export const MOST_BULK_JOBS = 500;
/** Finished states whose old jobs can be cleaned. */
export const CLEANABLE_STATES = ['succeeded', 'failed', 'canceled'] as const;
/** A finished state that can be cleaned. */
export type CleanableState = (typeof CLEANABLE_STATES)[number];

/** What a bulk retry or remove did. */
export interface BulkOutcome {
  /** Jobs retried or removed. */
  readonly done: number;
  /** Jobs that were not found (gone meanwhile). */
  readonly missing: number;
  /** Jobs left alone (not failed for a retry, running for a remove). */
  readonly skipped: number;
}

/** States that can be emptied (running jobs belong to their workers). */
export const EMPTYABLE_STATES = ['waiting', 'delayed', 'succeeded', 'failed', 'canceled', 'deferred'] as const;
/** A state that can be emptied. */
export type EmptyableState = (typeof EMPTYABLE_STATES)[number];

/**
 * The dashboard's write side: retry failed jobs, remove a job, empty a state.
 * Each step that must not interleave with a worker runs as one Lua script; bulk
 * operations go chunk by chunk.
 */
export class QueueAdmin {
  private readonly run: RunScript;
  private readonly chunkSize: number;
  private readonly reader: LargeJobReader;
  private readonly eventsMaxLen: number;

  /**
   * @param redis - an ioredis connection (not bee-queue's)
   * @param prefix - the key prefix from `QueueConfig`
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: QueueAdminOptions = {},
  ) {
    this.run = inspectScripts(redis);
    this.chunkSize = options.chunkSize ?? 500;
    this.reader = new LargeJobReader(redis, 0, 50);
    this.eventsMaxLen = options.eventsMaxLen ?? 10_000;
  }

  /** Retries several failed jobs of one queue (at most {@link MOST_BULK_JOBS}). */
  async retryJobs(queue: string, ids: readonly string[]): Promise<BulkOutcome> {
    assertQueueName(queue);
    const unique = checkBulk(ids);
    const k = queueKeys(this.prefix, queue);
    const moved = new Set(await this.retryIds(k, unique));
    const rest = unique.filter((id) => !moved.has(id));
    const exists = rest.length > 0 ? await this.redis.pipeline(rest.map((id) => ['hexists', k.jobs, id])).exec() : [];
    const missing = (exists ?? []).filter(([, v]) => v !== 1).length;
    return { done: moved.size, missing, skipped: rest.length - missing };
  }

  /** Removes several jobs of one queue (at most {@link MOST_BULK_JOBS}); running ones are left alone. */
  async removeJobs(queue: string, ids: readonly string[]): Promise<BulkOutcome> {
    assertQueueName(queue);
    const unique = checkBulk(ids);
    const k = queueKeys(this.prefix, queue);
    const names = await this.reader.names(k.jobs, unique);
    let done = 0;
    let missing = 0;
    let skipped = 0;
    for (const [i, id] of unique.entries()) {
      const outcome = await this.run('jobqInspectRemoveJob', this.removeKeys(k), [k.base, id, names[i] ?? '', this.eventsMaxLen]);
      if (outcome === 1) done += 1;
      else if (outcome === 0) missing += 1;
      else skipped += 1;
    }
    return { done, missing, skipped };
  }

  /**
   * Runs a delayed job now: moves it to waiting and wakes the workers. Throws
   * `JobNotFoundError`, or `InvalidArgumentError` when the job is not delayed.
   */
  async promoteJob(queue: string, id: string): Promise<void> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const k = queueKeys(this.prefix, queue);
    const [name] = await this.reader.names(k.jobs, [id]);
    const outcome = await this.run('jobqInspectPromoteJob', [k.jobs, k.delayed, k.waiting, eventsKey(k), wakeKey(k)], [k.base, id, name ?? '', this.eventsMaxLen]);
    if (outcome === 0) throw new JobNotFoundError(queue, id);
    if (outcome === -1) throw new InvalidArgumentError(`Job "${id}" on queue "${queue}" is not delayed, so it cannot be run now.`);
  }

  /**
   * Cancels a job (see `cancelJob`): a waiting or delayed one at once; a running
   * one is marked and its worker told to abort it. Throws `JobNotFoundError`,
   * `JobAlreadyFinishedError` (succeeded, failed or canceled), or
   * `InvalidArgumentError` for a job in no state that can be canceled.
   */
  async cancelJob(queue: string, id: string): Promise<CancelOutcome> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const [name] = await this.reader.names(queueKeys(this.prefix, queue).jobs, [id]);
    return cancelJob(this.redis, this.prefix, queue, id, name ?? '', this.eventsMaxLen);
  }

  /**
   * Pauses a queue: workers take no new job from it (running ones finish, due
   * delayed jobs stay delayed), enqueues still succeed. Stored in Redis, so it
   * holds across worker restarts. Resolves `false` when it was already paused.
   */
  pauseQueue(queue: string): Promise<boolean> {
    assertQueueName(queue);
    return setQueuePaused(this.redis, this.prefix, queue, true, this.eventsMaxLen);
  }

  /** Resumes a paused queue; blocked workers take its jobs at once. Resolves `false` when it was not paused. */
  resumeQueue(queue: string): Promise<boolean> {
    assertQueueName(queue);
    return setQueuePaused(this.redis, this.prefix, queue, false, this.eventsMaxLen);
  }

  /**
   * Sets a queue's rate limit (at most `limit.max` job starts per `limit.intervalMs`
   * window, across all workers), or clears it with `null`. Throws
   * `InvalidArgumentError` for a bad limit.
   */
  setRateLimit(queue: string, limit: RateLimit | null): Promise<void> {
    assertQueueName(queue);
    return setQueueRateLimit(this.redis, this.prefix, queue, limit);
  }

  /**
   * Sends an operator command (`quiet` or `stop`) to the live worker `name`,
   * wherever it runs (see `sendWorkerCommand`). Resolves `false` when no such
   * worker is registered.
   */
  commandWorker(name: string, command: WorkerCommand): Promise<boolean> {
    if (!(WORKER_COMMANDS as readonly string[]).includes(command)) throw new InvalidArgumentError(`command must be one of ${WORKER_COMMANDS.join(', ')}`);
    return sendWorkerCommand(this.redis, this.prefix, name, command);
  }

  /**
   * Deletes the jobs of a finished state that finished more than `olderThanMs`
   * ago, chunk by chunk; returns how many went.
   */
  async cleanOlderThan(queue: string, state: CleanableState, olderThanMs: number, now = Date.now()): Promise<number> {
    assertQueueName(queue);
    if (!(CLEANABLE_STATES as readonly string[]).includes(state)) throw new InvalidArgumentError(`state must be one of ${CLEANABLE_STATES.join(', ')}`);
    if (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0) throw new InvalidArgumentError('the age must be a whole number of milliseconds >= 0');
    const k = queueKeys(this.prefix, queue);
    const index = k.index(state);
    const set = finishedSet(k, state);
    const cutoff = now - olderThanMs;
    let removed = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(index, '-inf', cutoff, 'LIMIT', 0, this.chunkSize);
      if (ids.length === 0) return removed;
      const names = await this.reader.names(k.jobs, ids);
      const pairs = ids.flatMap((id, i) => [id, names[i] ?? '']);
      const n = await this.run('jobqInspectEmptyChunk', [k.jobs, index, set, k.expiry, eventsKey(k)], ['finished', k.base, this.chunkSize, state, this.eventsMaxLen, ...pairs]);
      removed += n;
      // Ids already gone from the set but still indexed: drop them from the index so the loop ends.
      if (n < ids.length) await this.redis.zrem(index, ...ids);
    }
  }

  private removeKeys(k: QueueKeys): string[] {
    return [k.jobs, k.waiting, k.active, k.delayed, k.succeeded, k.failed, k.stalling, k.index('succeeded'), k.index('failed'), k.expiry, eventsKey(k), k.index('canceled')];
  }

  /**
   * Moves a failed job back to waiting with its retries reset to what it was
   * created with. Throws `JobNotFoundError`, or `InvalidArgumentError` when the job
   * is not failed (or changed while it was being retried).
   */
  async retryJob(queue: string, id: string): Promise<void> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const k = queueKeys(this.prefix, queue);
    const moved = await this.retryIds(k, [id]);
    if (moved.length === 1) return;
    const [exists, failed] = await this.redis.multi().hexists(k.jobs, id).sismember(k.failed, id).exec().then((r) => (r ?? []).map(([, v]) => v));
    if (exists !== 1) throw new JobNotFoundError(queue, id);
    if (failed !== 1) throw new InvalidArgumentError(`Job "${id}" on queue "${queue}" is not failed, so it cannot be retried.`);
    throw new InvalidArgumentError(`Job "${id}" on queue "${queue}" changed while it was being retried; try again.`);
  }

  /** Retries every failed job of a queue, oldest failure first; returns how many moved. */
  async retryAllFailed(queue: string): Promise<number> {
    assertQueueName(queue);
    const k = queueKeys(this.prefix, queue);
    let moved = 0;
    let skip = 0;
    for (;;) {
      const ids = await this.redis.zrange(k.index('failed'), skip, skip + this.chunkSize - 1);
      if (ids.length === 0) return moved;
      const done = await this.retryIds(k, ids);
      moved += done.length;
      // Jobs that changed under us stay in the index; step over them.
      skip += ids.length - done.length;
    }
  }

  /**
   * Deletes a job from every structure that holds it. Throws `JobNotFoundError`,
   * or `InvalidArgumentError` for a running job.
   */
  async removeJob(queue: string, id: string): Promise<void> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const k = queueKeys(this.prefix, queue);
    const [name] = await this.reader.names(k.jobs, [id]);
    const outcome = await this.run('jobqInspectRemoveJob', this.removeKeys(k), [k.base, id, name ?? '', this.eventsMaxLen]);
    if (outcome === 0) throw new JobNotFoundError(queue, id);
    if (outcome === -1) throw new InvalidArgumentError(`Job "${id}" on queue "${queue}" is running; remove it once it has finished.`);
  }

  /** Deletes every job in one state of a queue, chunk by chunk; returns how many went. */
  async emptyState(queue: string, state: JobState): Promise<number> {
    assertQueueName(queue);
    assertJobState(state);
    if (!isEmptyable(state)) throw new InvalidArgumentError(`The ${state} jobs of a queue belong to their workers and cannot be emptied.`);
    const k = queueKeys(this.prefix, queue);
    let removed = 0;
    if (state === 'waiting' || state === 'delayed' || state === 'deferred') {
      const [kind, source] = state === 'waiting' ? ['list', k.waiting] : ['zset', state === 'delayed' ? k.delayed : k.deferred];
      for (;;) {
        const n = await this.run('jobqInspectEmptyChunk', [k.jobs, source, '', k.expiry, eventsKey(k)], [kind, k.base, this.chunkSize, state, this.eventsMaxLen]);
        if (n === 0) return removed;
        removed += n;
      }
    }
    const index = k.index(state);
    const set = finishedSet(k, state);
    for (;;) {
      let ids = await this.redis.zrange(index, 0, this.chunkSize - 1);
      // bee-queue's set may hold ids our index never saw.
      if (ids.length === 0 && set !== '') ids = await this.redis.srandmember(set, this.chunkSize);
      if (ids.length === 0) return removed;
      const names = await this.reader.names(k.jobs, ids);
      const pairs = ids.flatMap((id, i) => [id, names[i] ?? '']);
      removed += await this.run('jobqInspectEmptyChunk', [k.jobs, index, set, k.expiry, eventsKey(k)], ['finished', k.base, this.chunkSize, state, this.eventsMaxLen, ...pairs]);
    }
  }

  private async retryIds(k: QueueKeys, ids: readonly string[]): Promise<string[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetBuffer(k.jobs, id);
    const replies = (await pipeline.exec()) ?? [];
    const args: (string | number)[] = [k.base, this.eventsMaxLen];
    ids.forEach((id, i) => {
      const raw = replies[i]?.[1] as Buffer | null | undefined;
      const job = raw ? parseStoredJob(raw) : undefined;
      if (!raw || !job) return;
      const sha = createHash('sha1').update(raw).digest('hex');
      args.push(id, sha, JSON.stringify(retried(job)), typeof job.data?.name === 'string' ? job.data.name : '');
    });
    if (args.length === 2) return [];
    return this.run('jobqInspectRetryJobs', [k.jobs, k.failed, k.index('failed'), k.expiry, k.waiting, eventsKey(k), wakeKey(k)], args);
  }
}

/** bee-queue's set of a finished state; '' for canceled, which only has our index. */
function finishedSet(k: QueueKeys, state: 'succeeded' | 'failed' | 'canceled'): string {
  return state === 'succeeded' ? k.succeeded : state === 'failed' ? k.failed : '';
}

/** The queue's job event stream. */
function eventsKey(k: QueueKeys): string {
  return k.events;
}

/** The queue's worker wake-up list. */
function wakeKey(k: QueueKeys): string {
  return k.wake;
}

function checkBulk(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new InvalidArgumentError('select at least one job');
  if (unique.length > MOST_BULK_JOBS) throw new InvalidArgumentError(`select at most ${MOST_BULK_JOBS} jobs at once`);
  for (const id of unique) assertStoredJobId(id);
  return unique;
}

function isEmptyable(state: JobState): state is EmptyableState {
  return (EMPTYABLE_STATES as readonly string[]).includes(state);
}

function parseStoredJob(raw: Buffer): StoredJob | undefined {
  try {
    const job = JSON.parse(raw.toString('utf8')) as StoredJob;
    return job && typeof job === 'object' && typeof job.options === 'object' && job.options ? job : undefined;
  } catch {
    return undefined;
  }
}

/** The stored JSON of a job about to be retried: created again, with its retries back. */
function retried(job: StoredJob): StoredJob {
  const retries = job.options.jobq?.retries ?? job.options.retries ?? 0;
  return { ...job, status: 'created', options: { ...job.options, retries } };
}
