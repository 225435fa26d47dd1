import type { AnyJobContract, PayloadOf } from '@jobq/job-defs';
import BeeQueue from 'bee-queue';
import type { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { resolveEnqueueOptions, type EnqueueOptions, type ResolvedJobOptions } from './enqueue-options';
import { ClosedError, PayloadValidationError, RedisUnavailableError, type FieldIssue } from './errors';
import { JobHandle } from './job-handle';
import { globalKeys } from './keys';
import type { StoredJob } from './records';
import { connectRedis, redactUrl } from './redis-connection';
import { toFieldIssues } from './validation';

/** One job of a bulk enqueue. */
export interface EnqueueItem<C extends AnyJobContract> {
  readonly payload: PayloadOf<C>;
  readonly options?: EnqueueOptions;
}

/** What a bee-queue job carries: the job name next to its payload. */
type JobData = StoredJob['data'];

/** Bulk enqueue writes at most this many jobs per Redis round trip. */
const BULK_BATCH = 1_000;

/**
 * The producer: validates payloads against their contracts and enqueues them as
 * bee-queue jobs, then hands back typed {@link JobHandle}s to read status and
 * results. bee-queue gets its own connections (from the URL); queue-core's own
 * keys go through a separate ioredis connection.
 *
 * @example
 * ```ts
 * const client = await QueueClient.connect(parseQueueConfig({ redisUrl: 'redis://127.0.0.1:6379' }));
 * const job = await client.enqueue(sendEmail, { to: 'a@example.com', subject: 'Hi', text: 'Hello' });
 * const { messageId } = await job.result({ timeoutMs: 10_000 });
 * ```
 */
export class QueueClient {
  private readonly queues = new Map<string, Promise<BeeQueue<JobData>>>();
  private readonly knownQueues = new Set<string>();
  private closed = false;

  private constructor(
    private readonly config: QueueConfig,
    private readonly redis: Redis,
  ) {}

  /** Connects and checks Redis answers; throws `RedisUnavailableError` after `connectTimeoutMs` otherwise. */
  static async connect(config: QueueConfig): Promise<QueueClient> {
    const redis = await connectRedis(config, { connectionName: `${config.prefix}:producer`, failFast: false });
    return new QueueClient(config, redis);
  }

  /**
   * Validates `payload` against the contract and enqueues one job. Nothing is
   * written when the payload is invalid (`PayloadValidationError` names every bad
   * field) or the options are (`InvalidArgumentError`).
   */
  async enqueue<C extends AnyJobContract>(contract: C, payload: PayloadOf<C>, options?: EnqueueOptions): Promise<JobHandle<C>> {
    const [handle] = await this.enqueueMany(contract, [{ payload, options }]);
    return handle;
  }

  /**
   * Validates every payload, then enqueues them all, one Redis round trip per
   * batch of 1,000. If any payload is invalid nothing is written and the error's
   * paths start with the item index (`3.to`).
   */
  async enqueueMany<C extends AnyJobContract>(contract: C, items: readonly EnqueueItem<C>[]): Promise<JobHandle<C>[]> {
    this.assertOpen();
    const now = Date.now();
    const issues: FieldIssue[] = [];
    const prepared = items.map((item, i) => {
      const checked = contract.payload.safeParse(item.payload);
      if (!checked.success) issues.push(...toFieldIssues(checked.error, items.length > 1 ? String(i) : ''));
      return { payload: item.payload, options: resolveEnqueueOptions(contract, item.options, now) };
    });
    if (issues.length > 0) throw new PayloadValidationError(contract.name, issues);

    const queue = await this.beeQueue(contract.queue);
    const handles: JobHandle<C>[] = [];
    for (let start = 0; start < prepared.length; start += BULK_BATCH) {
      const batch = prepared.slice(start, start + BULK_BATCH);
      const jobs = batch.map((p) => createBeeJob(queue, contract.name, p.payload, p.options));
      const errors = await queue.saveAll(jobs);
      // bee-queue assigns ids in promise callbacks that settle after saveAll resolves.
      await new Promise((r) => setImmediate(r));
      const failure = errors.values().next();
      if (!failure.done) throw failure.value;
      jobs.forEach((job, i) => {
        const requested = batch[i].options.jobId;
        const id = job.id ?? requested;
        handles.push(new JobHandle(this.redis, this.config.prefix, contract, String(id), job.id !== null));
      });
    }
    return handles;
  }

  /** A handle to an existing job (no Redis call until you use it). */
  job<C extends AnyJobContract>(contract: C, id: string): JobHandle<C> {
    return new JobHandle(this.redis, this.config.prefix, contract, id, false);
  }

  /** Closes every connection. Jobs already enqueued are unaffected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const queues = await Promise.allSettled([...this.queues.values()]);
    await Promise.allSettled(queues.map((q) => (q.status === 'fulfilled' ? q.value.close() : undefined)));
    this.redis.disconnect();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('QueueClient');
  }

  private beeQueue(name: string): Promise<BeeQueue<JobData>> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.openBeeQueue(name);
      this.queues.set(name, queue);
      queue.catch(() => this.queues.delete(name));
    }
    return queue;
  }

  private async openBeeQueue(name: string): Promise<BeeQueue<JobData>> {
    const queue = new BeeQueue<JobData>(name, {
      prefix: this.config.prefix,
      redis: { url: this.config.redisUrl } as BeeQueue.QueueSettings['redis'],
      isWorker: false,
      getEvents: false,
      sendEvents: false,
      storeJobs: false,
      activateDelayedJobs: false,
    });
    // bee-queue's node_redis client reconnects on its own; errors surface through
    // the commands that fail.
    queue.on('error', () => undefined);
    const timeout = this.config.connectTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.ready(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new RedisUnavailableError(`bee-queue could not reach Redis at ${redactUrl(this.config.redisUrl)} within ${timeout} ms.`)),
            timeout,
          );
        }),
      ]);
    } catch (err) {
      void queue.close().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (!this.knownQueues.has(name)) {
      await this.redis.sadd(globalKeys(this.config.prefix).queues, name);
      this.knownQueues.add(name);
    }
    return queue;
  }
}

function createBeeJob(queue: BeeQueue<JobData>, name: string, payload: unknown, o: ResolvedJobOptions): BeeQueue.Job<JobData> {
  const job = queue.createJob({ name, payload }).retries(o.retries).timeout(o.timeoutMs);
  if (o.jobId !== undefined) job.setId(o.jobId);
  if (o.backoff) job.backoff(o.backoff.strategy, o.backoff.delay);
  if (o.runAt !== undefined) job.delayUntil(o.runAt);
  (job.options as Record<string, unknown>)['jobq'] = o.jobq;
  return job;
}
