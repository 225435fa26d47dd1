import type { AnyJobContract, PayloadOf } from '@jobq/job-defs';
import type { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { resolveEnqueueOptions, type EnqueueOptions, type ResolvedJobOptions } from './enqueue-options';
import { ClosedError, InvalidArgumentError, JobIdConflictError, ParentFailedError, ParentNotFoundError, PayloadValidationError, QueueError, type FieldIssue } from './errors';
import { JobEventReader } from './event-reader';
import { JobHandle } from './job-handle';
import { JobSubscription, type SubscribeOptions } from './job-subscription';
import { globalKeys, queueKeys } from './keys';
import { assertRateLimit, setQueuePaused, setQueueRateLimit, type RateLimit } from './flow-control';
import { assertQueueName } from './inspect/names';
import { ProducerConnection } from './producer-connection';
import type { StoredJob } from './records';
import { ScheduleManager } from './schedules';
import { toFieldIssues } from './validation';

/** One job of a bulk enqueue. */
export interface EnqueueItem<C extends AnyJobContract> {
  readonly payload: PayloadOf<C>;
  readonly options?: EnqueueOptions;
}

/** Bulk enqueue writes at most this many jobs per Redis round trip (one atomic script call). */
const BULK_BATCH = 1_000;

/**
 * The producer: validates payloads against their contracts and enqueues them in
 * bee-queue's key layout and job format (bee-queue tools still read them), with
 * one atomic Lua call per batch, then hands back typed {@link JobHandle}s.
 *
 * It rides out Redis restarts, failovers and `SCRIPT FLUSH` by itself: the next
 * call after Redis is back just works. Every call either succeeds or rejects with
 * `RedisUnavailableError` within `operationTimeoutMs`; a job is never half
 * written. An enqueue rejected that way after it was sent may still have been
 * written: retry it with the same `jobId` (idempotent) to be safe.
 *
 * @example
 * ```ts
 * const client = await QueueClient.connect(parseQueueConfig({ redisUrl: 'redis://127.0.0.1:6379' }));
 * const job = await client.enqueue(sendEmail, { to: 'a@example.com', subject: 'Hi', text: 'Hello' }, { jobId: 'welcome-a' });
 * const { messageId } = await job.result({ timeoutMs: 10_000 });
 * ```
 */
export class QueueClient {
  private readonly knownQueues = new Set<string>();
  private readonly subscriptions = new Set<JobSubscription<AnyJobContract>>();
  private readonly results: JobEventReader;
  private closed = false;
  private scheduleManager: ScheduleManager | null = null;

  private constructor(private readonly conn: ProducerConnection) {
    this.results = new JobEventReader(conn.config, conn.redis, `${conn.config.prefix}:producer:events`);
  }

  /**
   * Connects and checks Redis answers; rejects with `RedisUnavailableError` within
   * `connectTimeoutMs` otherwise, saying why (refused, unknown host, ...).
   */
  static async connect(config: QueueConfig): Promise<QueueClient> {
    return new QueueClient(await ProducerConnection.connect(config, `${config.prefix}:producer`));
  }

  /**
   * Validates `payload` against the contract and enqueues one job. Nothing is
   * written when the payload is invalid (`PayloadValidationError` names every bad
   * field), the options are (`InvalidArgumentError`), or `jobId` belongs to a job
   * of another name (`JobIdConflictError`).
   */
  async enqueue<C extends AnyJobContract>(contract: C, payload: PayloadOf<C>, options?: EnqueueOptions): Promise<JobHandle<C>> {
    const [handle] = await this.write(contract, [{ payload, options }], false);
    return handle;
  }

  /**
   * Validates every payload and its options, then enqueues them all, one atomic
   * Redis call per batch of 1,000. If any item is invalid nothing is written and
   * the error names it by index (`3.to`, `0.delayMs`).
   */
  async enqueueMany<C extends AnyJobContract>(contract: C, items: readonly EnqueueItem<C>[]): Promise<JobHandle<C>[]> {
    return this.write(contract, items, true);
  }

  /**
   * Schedules (cron and interval jobs) of every queue: `upsert(defineSchedule(...))`,
   * `list`, `pause`, `resume`, `trigger`, `remove`. See {@link ScheduleManager}.
   */
  get schedules(): ScheduleManager {
    this.assertOpen();
    this.scheduleManager ??= new ScheduleManager(this.conn.redis, this.conn.config.prefix, {
      eventsMaxLen: this.conn.config.eventsMaxLen,
      call: (what, fn) => this.conn.call({ what, writes: 'it may or may not have been applied: repeat it to be safe' }, fn),
    });
    return this.scheduleManager;
  }

  /** A handle to an existing job (no Redis call until you use it). */
  job<C extends AnyJobContract>(contract: C, id: string): JobHandle<C> {
    this.assertOpen();
    return new JobHandle(this.conn, this.results, contract, id, false);
  }

  /**
   * Typed events of `contract`'s jobs (`succeeded` with the typed result, `failed`,
   * `progress`), pushed from the queue's event stream. Close it when done.
   *
   * @example
   * ```ts
   * const events = await client.events(sendEmail);
   * events.on('succeeded', (e) => console.log(e.id, e.result?.messageId));
   * ```
   */
  async events<C extends AnyJobContract>(contract: C, options: SubscribeOptions = {}): Promise<JobSubscription<C>> {
    this.assertOpen();
    const reader = new JobEventReader(this.conn.config, this.conn.redis, `${this.conn.config.prefix}:producer:subscription`);
    const sub = new JobSubscription(this.conn, reader, contract);
    try {
      await sub.start(options.from);
    } catch (err) {
      await reader.close();
      throw err;
    }
    this.subscriptions.add(sub as unknown as JobSubscription<AnyJobContract>);
    return sub;
  }

  /**
   * Pauses a queue: workers take no new job from it (running ones finish, due
   * delayed jobs stay delayed); enqueues still succeed. Stored in Redis, so it
   * holds across worker restarts. Resolves `false` when it was already paused.
   */
  pause(queue: string): Promise<boolean> {
    return this.flowCall(queue, 'pause', (redis) => setQueuePaused(redis, this.conn.config.prefix, queue, true, this.conn.config.eventsMaxLen));
  }

  /** Resumes a paused queue; blocked workers take its jobs at once. Resolves `false` when it was not paused. */
  resume(queue: string): Promise<boolean> {
    return this.flowCall(queue, 'resume', (redis) => setQueuePaused(redis, this.conn.config.prefix, queue, false, this.conn.config.eventsMaxLen));
  }

  /**
   * Sets a queue's rate limit (at most `limit.max` job starts per `limit.intervalMs`
   * window, across all workers; jobs over it wait), or clears it with `null`.
   *
   * @example
   * ```ts
   * await client.setRateLimit('webhooks', { max: 50, intervalMs: 1_000 });
   * ```
   */
  async setRateLimit(queue: string, limit: RateLimit | null): Promise<void> {
    if (limit !== null) assertRateLimit(limit);
    return this.flowCall(queue, 'rate limit change', (redis) => setQueueRateLimit(redis, this.conn.config.prefix, queue, limit));
  }

  private async flowCall<T>(queue: string, what: string, run: (redis: Redis) => Promise<T>): Promise<T> {
    this.assertOpen();
    assertQueueName(queue);
    return this.conn.call({ what: `${what} of queue "${queue}"`, writes: 'it may or may not have been applied: repeat it to be sure' }, run);
  }

  /** Closes every connection (and subscription). Jobs already enqueued are unaffected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    await this.results.close();
    this.conn.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('QueueClient');
  }

  private async write<C extends AnyJobContract>(contract: C, items: readonly EnqueueItem<C>[], indexed: boolean): Promise<JobHandle<C>[]> {
    this.assertOpen();
    const now = Date.now();
    const issues: FieldIssue[] = [];
    const optionErrors: string[] = [];
    const prepared = items.map((item, i) => {
      const at = indexed ? String(i) : '';
      const checked = contract.payload.safeParse(item.payload);
      if (!checked.success) issues.push(...toFieldIssues(checked.error, at));
      try {
        return { payload: item.payload, options: resolveEnqueueOptions(contract, item.options, now, at) };
      } catch (err) {
        // typed dependency errors (cross-queue) are thrown as they are
        if (err instanceof QueueError && err.code !== 'JOBQ_INVALID_ARGUMENT') throw err;
        optionErrors.push((err as Error).message);
        return null;
      }
    });
    if (issues.length > 0) throw new PayloadValidationError(contract.name, issues);
    if (optionErrors.length > 0) throw new InvalidArgumentError(optionErrors.join('; '));
    if (prepared.length > BULK_BATCH) await this.checkParents(contract.queue, prepared as { options: ResolvedJobOptions }[]);

    const prefix = this.conn.config.prefix;
    const k = queueKeys(prefix, contract.queue);
    const keys = [k.id, k.jobs, k.waiting, k.delayed, k.events, k.wake, `${k.base}earlierDelayed`];
    const handles: JobHandle<C>[] = [];
    await this.registerQueue(contract.queue);
    for (let start = 0; start < prepared.length; start += BULK_BATCH) {
      const batch = prepared.slice(start, start + BULK_BATCH) as { payload: unknown; options: ResolvedJobOptions }[];
      const args: (string | number)[] = [this.conn.config.eventsMaxLen, now, k.base];
      for (const p of batch) {
        args.push(p.options.jobId ?? '', contract.name, storedJobJson(contract.name, p.payload, p.options, now), p.options.runAt ?? 0, p.options.parents.join(','));
      }
      const written = start > 0 ? `Jobs 0-${start - 1} were written; ` : '';
      const reply = await this.conn.call(
        {
          what: `enqueue of ${batch.length} "${contract.name}" job${batch.length === 1 ? '' : 's'}`,
          writes: `${written}the job${batch.length === 1 ? '' : 's'} of this call may or may not have been written: retry with the same jobId to be safe`,
        },
        (_, scripts) => scripts.enqueueJobs(keys, args),
      );
      if (reply[0] === 'conflict') {
        const index = start + Number(reply[1]);
        const conflict = new JobIdConflictError(contract.queue, String(reply[2]), contract.name, String(reply[3]));
        if (indexed) conflict.message = `Item ${index}: ${conflict.message}`;
        throw conflict;
      }
      if (reply[0] === 'missingParent' || reply[0] === 'failedParent') {
        const item = indexed ? start + Number(reply[1]) : null;
        if (reply[0] === 'missingParent') throw new ParentNotFoundError(contract.queue, String(reply[2]), item);
        throw new ParentFailedError(contract.queue, String(reply[2]), item, reply[3] === 'canceled' ? 'canceled' : 'failed');
      }
      for (let i = 1; i < reply.length; i += 2) {
        handles.push(new JobHandle(this.conn, this.results, contract, String(reply[i]), Number(reply[i + 1]) === 1));
      }
    }
    return handles;
  }

  /**
   * A bulk call of several batches: checks up front that every parent outside the
   * call exists and has not failed, so a bad dependency in a later batch is refused
   * before the first batch is written (each batch's script checks again, atomically).
   */
  private async checkParents(queue: string, prepared: readonly { options: ResolvedJobOptions }[]): Promise<void> {
    const k = queueKeys(this.conn.config.prefix, queue);
    const earlier = new Set<string>();
    const outside: { item: number; id: string }[] = [];
    for (const [i, p] of prepared.entries()) {
      for (const id of p.options.parents) if (!earlier.has(id)) outside.push({ item: i, id });
      if (p.options.jobId !== undefined) earlier.add(p.options.jobId);
    }
    for (let start = 0; start < outside.length; start += BULK_BATCH) {
      const chunk = outside.slice(start, start + BULK_BATCH);
      const replies = await this.conn.call({ what: `check of ${chunk.length} parent jobs`, writes: 'nothing was written' }, (redis) => {
        const pipeline = redis.pipeline();
        for (const { id } of chunk) pipeline.hexists(k.jobs, id).sismember(k.failed, id);
        return pipeline.exec();
      });
      chunk.forEach(({ item, id }, i) => {
        const [[, exists], [, failed]] = [replies?.[i * 2] ?? [null, 0], replies?.[i * 2 + 1] ?? [null, 0]];
        if (Number(exists) !== 1) throw new ParentNotFoundError(queue, id, item);
        if (Number(failed) === 1) throw new ParentFailedError(queue, id, item);
      });
    }
  }

  /** Adds the queue to the set of known queues (once per client; the dashboard lists it). */
  private async registerQueue(queue: string): Promise<void> {
    if (this.knownQueues.has(queue)) return;
    await this.conn.call({ what: `registration of queue "${queue}"`, writes: 'nothing else was written' }, (redis) =>
      redis.sadd(globalKeys(this.conn.config.prefix).queues, queue),
    );
    this.knownQueues.add(queue);
  }
}

/** bee-queue's job JSON (`{data, options, status, progress}`), with the job name first in `data`. */
function storedJobJson(name: string, payload: unknown, o: ResolvedJobOptions, now: number): string {
  const options: StoredJob['options'] = {
    timestamp: now,
    retries: o.retries,
    timeout: o.timeoutMs,
    stacktraces: [],
    ...(o.backoff ? { backoff: o.backoff } : {}),
    ...(o.runAt !== undefined ? { delay: o.runAt } : {}),
    jobq: o.jobq,
  };
  const job: StoredJob = { data: { name, payload }, options, status: 'created', progress: 0 };
  return JSON.stringify(job);
}
