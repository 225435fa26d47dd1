import { catalogueList, QUEUES_BY_PRIORITY } from '@jobq/job-defs';
import { connectRedis, QueueAdmin, QueueClient, QueueInspector, ScheduleManager, type JobDetail, type QueueConfig } from '@jobq/queue-core';
import { CliError } from './cli-error';

type Redis = Awaited<ReturnType<typeof connectRedis>>;
import type { CliConfig } from './config';

/**
 * A command's connection to the queues: one fail-fast ioredis connection with a
 * bounded connect and a bounded time per command, and queue-core's inspection and
 * admin API on top of it. The CLI reads and writes only through that API.
 */
export class Session {
  readonly inspector: QueueInspector;
  readonly admin: QueueAdmin;
  readonly schedules: ScheduleManager;
  private client: QueueClient | null = null;

  private constructor(
    private readonly redis: Redis,
    private readonly config: CliConfig,
  ) {
    const knownQueues = [...new Set<string>([...QUEUES_BY_PRIORITY, ...catalogueList.map((c) => c.queue)])];
    this.inspector = new QueueInspector(redis, config.queue.prefix, { knownQueues });
    this.admin = new QueueAdmin(redis, config.queue.prefix);
    this.schedules = new ScheduleManager(redis, config.queue.prefix, { eventsMaxLen: config.queue.eventsMaxLen });
  }

  /** Connects (throws `RedisUnavailableError` after `config.timeoutMs`). */
  static async open(config: CliConfig): Promise<Session> {
    // A Redis that accepts the connection but stops answering fails the command in bounded time.
    const redis = await connectRedis(config.queue, { connectionName: `${config.queue.prefix}:cli`, failFast: true, commandTimeoutMs: config.timeoutMs });
    return new Session(redis, config);
  }

  /** The queue config (URL, prefix). */
  get queueConfig(): QueueConfig {
    return this.config.queue;
  }

  /** Throws a not-found `CliError` unless the queue is known or registered. */
  async requireQueue(queue: string): Promise<void> {
    if (await this.inspector.hasQueue(queue)) return;
    const queues = await this.inspector.queues();
    throw CliError.notFound(`unknown queue "${queue}" (queues: ${queues.join(', ') || 'none'})`);
  }

  /** Job `id` of a known queue, or a not-found error (exit 3) naming what is missing. */
  async requireJob(queue: string, id: string): Promise<JobDetail> {
    await this.requireQueue(queue);
    const job = await this.inspector.getJob(queue, id);
    if (!job) throw CliError.notFound(`job "${id}" was not found on queue "${queue}"`);
    return job;
  }

  /** A producer, connected on first use. */
  async producer(): Promise<QueueClient> {
    this.client ??= await QueueClient.connect(this.config.queue);
    return this.client;
  }

  /**
   * Closes every connection, waiting at most 1 s for the producer (which would
   * otherwise wait for a silent Redis to answer its pending commands).
   */
  async close(): Promise<void> {
    this.redis.disconnect();
    if (!this.client) return;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)));
    await Promise.race([this.client.close().catch(() => undefined), giveUp]);
    clearTimeout(timer);
  }
}
