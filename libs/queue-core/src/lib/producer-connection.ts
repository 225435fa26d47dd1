import type { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { RedisUnavailableError } from './errors';
import { QueueScripts } from './lua';
import { connectRedis, describeConnectionError, isUnavailableError, redactUrl, waitUntilReady } from './redis-connection';

/** What a bounded call tells the caller when Redis fails it. */
export interface CallDescription {
  /** What was attempted, for the message: `enqueue of 3 "email.send" jobs`. */
  readonly what: string;
  /** Whether the call writes: then a failure after sending says it may have been written. */
  readonly writes?: string;
}

/**
 * The producer side's connection to Redis. Every call is bounded: it waits for
 * the connection to be ready (it reconnects by itself after a restart or a
 * failover) and for the reply, together no longer than `operationTimeoutMs`, then
 * rejects with `RedisUnavailableError` saying what happened. Commands are never
 * queued while Redis is away nor resent after a reconnect, so a call that failed
 * cannot be written later behind the caller's back.
 */
export class ProducerConnection {
  readonly scripts: QueueScripts;

  private constructor(
    readonly config: QueueConfig,
    readonly redis: Redis,
  ) {
    this.scripts = new QueueScripts(redis);
  }

  /** Connects; rejects with `RedisUnavailableError` within `connectTimeoutMs`. */
  static async connect(config: QueueConfig, connectionName: string): Promise<ProducerConnection> {
    return new ProducerConnection(config, await connectRedis(config, { connectionName, failFast: true }));
  }

  /** Runs `fn` within the operation bound; see the class comment. */
  async call<T>(d: CallDescription, fn: (redis: Redis, scripts: QueueScripts) => Promise<T>): Promise<T> {
    const bound = this.config.operationTimeoutMs;
    const started = Date.now();
    try {
      await waitUntilReady(this.redis, bound);
    } catch (err) {
      throw new RedisUnavailableError(
        `Redis at ${redactUrl(this.config.redisUrl)} is unavailable: ${(err as Error).message}. The ${d.what} was not sent (gave up after ${Date.now() - started} ms)` +
          `${d.writes ? '; nothing was written' : ''}.`,
        { cause: err },
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(1, bound - (Date.now() - started));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${bound} ms`)), left);
    });
    try {
      return await Promise.race([fn(this.redis, this.scripts), timeout]);
    } catch (err) {
      if (!isUnavailableError(err)) throw err;
      throw new RedisUnavailableError(
        `Redis at ${redactUrl(this.config.redisUrl)} failed the ${d.what}: ${describeConnectionError(err as Error)}` +
          `${d.writes ? `. ${d.writes}` : ''}`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection. */
  close(): void {
    this.redis.disconnect();
  }
}
