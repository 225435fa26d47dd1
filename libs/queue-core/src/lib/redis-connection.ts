import { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { RedisUnavailableError } from './errors';

/** How a connection behaves while Redis is away. */
export interface RedisConnectionOptions {
  /** Name shown by `CLIENT LIST`, e.g. `jobq:worker:w1`. */
  readonly connectionName: string;
  /**
   * `true`: commands fail at once while disconnected (dashboards, health checks).
   * `false`: commands wait for the reconnect (workers, so no finished job is lost).
   */
  readonly failFast: boolean;
}

/**
 * Opens an ioredis connection for queue-core's own keys and waits until it answers
 * PING, so a wrong URL or a dead server surfaces as `RedisUnavailableError` after
 * `config.connectTimeoutMs` instead of a hang. Reconnects forever afterwards,
 * backing off up to 2 s between tries.
 */
export async function connectRedis(config: QueueConfig, options: RedisConnectionOptions): Promise<Redis> {
  const redis = createRedis(config, options);
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), config.connectTimeoutMs);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(
      `Redis at ${redactUrl(config.redisUrl)} did not answer within ${config.connectTimeoutMs} ms (${(err as Error).message}). ` +
        'Check REDIS_URL and that Redis is running.',
      { cause: err },
    );
  }
}

/** Creates (without connecting) an ioredis client with queue-core's settings. */
export function createRedis(config: QueueConfig, options: RedisConnectionOptions): Redis {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  // Errors surface through the commands that fail; without a listener ioredis
  // would print every reconnect attempt as an unhandled error event.
  redis.on('error', () => undefined);
  return redis;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
