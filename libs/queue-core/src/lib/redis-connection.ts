import { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { RedisUnavailableError } from './errors';

/** How a connection behaves while Redis is away. */
export interface RedisConnectionOptions {
  /** Name shown by `CLIENT LIST`, e.g. `jobq:worker:w1`. */
  readonly connectionName: string;
  /**
   * `true`: commands fail at once while disconnected, and a command in flight when
   * the connection drops is rejected rather than sent again (producers, dashboards,
   * blocking readers: the caller decides what to do, within a bounded time).
   * `false`: commands wait for the reconnect (workers, so no finished job is lost).
   */
  readonly failFast: boolean;
  /**
   * For connections that run blocking commands: ioredis rejects a blocking call
   * that has not answered this long after its own timeout, so a half-open socket
   * can never hold a waiter forever.
   */
  readonly blocking?: boolean;
  /**
   * Rejects a (non-blocking) command that has no reply after this long, so a
   * Redis that accepts connections but stops answering cannot hold a caller.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * Opens an ioredis connection for queue-core's keys and waits until it is ready,
 * so a wrong URL or a dead server surfaces as `RedisUnavailableError` within
 * `config.connectTimeoutMs` (with the real reason: refused, unknown host, auth...)
 * instead of a hang. Reconnects forever afterwards, backing off up to 2 s.
 */
export async function connectRedis(config: QueueConfig, options: RedisConnectionOptions): Promise<Redis> {
  const redis = createRedis(config, options);
  const started = Date.now();
  try {
    redis.connect().catch(() => undefined);
    await waitUntilReady(redis, config.connectTimeoutMs);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(
      `Could not connect to Redis at ${redactUrl(config.redisUrl)}: ${(err as Error).message} (gave up after ${Date.now() - started} ms). ` +
        'Check REDIS_URL and that Redis is running.',
      { cause: err },
    );
  }
}

/**
 * Resolves when `redis` is ready; rejects after `ms` with the last connection
 * error seen (or "no answer") in the message.
 */
export function waitUntilReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'end') return Promise.reject(new Error('the connection was closed'));
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => (lastError = err);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('the connection was closed'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(lastError ? `${describeConnectionError(lastError)}` : `no answer within ${ms} ms`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('error', onError);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
    };
    redis.on('error', onError);
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/** A connection error in words: `connection refused (ECONNREFUSED 127.0.0.1:1)`. */
export function describeConnectionError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (${err.message.replace(/^connect /, '')})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${err.message})`;
    case 'ETIMEDOUT':
      return `connection timed out (${err.message})`;
    default:
      return err.message;
  }
}

/** Creates (without connecting) an ioredis client with queue-core's settings. */
export function createRedis(config: QueueConfig, options: RedisConnectionOptions): Redis {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectionName: options.connectionName,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: options.failFast ? 0 : null,
    enableOfflineQueue: !options.failFast,
    autoResendUnfulfilledCommands: !options.failFast,
    ...(options.blocking ? { blockingTimeout: 1_000, blockingTimeoutGrace: 2_000 } : {}),
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
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

/** Reply errors that mean "Redis cannot serve this now", not "this command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|NOREPLICAS|MISCONF)\b/;

/**
 * Whether `err` means Redis was unreachable or could not serve the command
 * (connection refused or closed, timeout, loading, read-only replica after a
 * failover...), as opposed to an error in the command itself.
 */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(err.message);
  return true;
}
