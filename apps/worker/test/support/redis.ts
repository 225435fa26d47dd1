import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, parseQueueConfig, type QueueConfig } from '@jobq/queue-core';
import { waitFor } from './wait';

/** The shared Redis of the suites (set by the jest global setup). */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An ioredis connection, as queue-core opens them. */
export type RedisConnection = Awaited<ReturnType<typeof connectRedis>>;

/** A config under a fresh key prefix, so suites never see each other's keys. */
export function testConfig(suite: string, redisUrl = REDIS_URL): QueueConfig {
  return parseQueueConfig({ redisUrl, prefix: `jobq-test-worker-${suite}-${randomBytes(4).toString('hex')}` });
}

/** A plain connection for assertions and cleanup; fails fast while Redis is away. */
export function rawRedis(config: QueueConfig): Promise<RedisConnection> {
  return connectRedis(config, { connectionName: 'jobq-worker-test', failFast: true });
}

/** Deletes every key under `prefix` (never FLUSHALL/FLUSHDB: the Redis is shared). */
export async function deletePrefix(redis: RedisConnection, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A private redis-server on a free loopback port, append-only in a temporary
 * folder, so its data survives a stop and start on the same port. Fault tests stop
 * this one, never the shared Redis.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'jobq-redis-')));
    await server.startAgain();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) on the same port and data folder; resolves once it answers. */
  async startAgain(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const config = parseQueueConfig({ redisUrl: this.url, connectTimeoutMs: 200 });
    await waitFor(
      async () => {
        try {
          const redis = await rawRedis(config);
          redis.disconnect();
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 10_000, what: `redis-server on port ${this.port} to answer` },
    );
  }

  /** Stops redis-server (SIGTERM: it syncs its append-only file) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops it and removes its data folder. */
  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
