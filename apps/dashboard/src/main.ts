import type { Server } from 'node:http';
import { connectRedis, createRedis, QueueClient, RedisUnavailableError, redactUrl } from '@jobq/queue-core';
import type { Redis } from 'ioredis';
import { createApp, liveHubOf } from './app';
import { DashboardConfigError, loadConfig, type DashboardConfig } from './config';
import { createLogger } from './logger';

/**
 * Entry point: reads the configuration, connects to Redis, listens, and shuts
 * down cleanly on SIGTERM/SIGINT. A Redis that is down at start is not fatal:
 * pages answer 503 until it is back.
 */
async function main(): Promise<void> {
  let config: DashboardConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof DashboardConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const redis = await openRedis(config, logger);
  // The producer connects lazily, on the first enqueue, so a Redis outage at
  // start does not keep the dashboard from coming up.
  let client: Promise<QueueClient> | null = null;
  const producer = () => {
    client ??= QueueClient.connect(config.queue).catch((err: unknown) => {
      client = null;
      throw err;
    });
    return client;
  };
  const app = createApp({
    config,
    redis,
    logger,
    enqueuer: { enqueue: async (contract, payload, options) => (await producer()).enqueue(contract, payload as never, options) },
  });
  const server: Server = app.listen(config.port, config.host, () => {
    logger.info({ port: config.port, host: config.host, urlPrefix: config.urlPrefix || '/', redis: redactUrl(config.queue.redisUrl), prefix: config.queue.prefix, readOnly: config.readOnly }, 'dashboard listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'could not listen');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    liveHubOf(app).close();
    server.close(async () => {
      await Promise.allSettled([client?.then((c) => c.close()), redis.quit()]);
      clearTimeout(force);
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Connects fail-fast; if Redis is down at start, keeps a connection that retries in the background. */
async function openRedis(config: DashboardConfig, logger: ReturnType<typeof createLogger>): Promise<Redis> {
  const options = { connectionName: `${config.queue.prefix}:dashboard`, failFast: true };
  try {
    return await connectRedis(config.queue, options);
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    logger.warn({ err: err.message }, 'Redis is not reachable yet; serving 503 pages until it is');
    const redis = createRedis(config.queue, options);
    redis.connect().catch(() => undefined);
    return redis;
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`dashboard failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
