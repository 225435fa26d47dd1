import { randomBytes } from 'node:crypto';
import { PrivateRedis, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { handle, parseQueueConfig, sendWorkerCommand, Worker, WorkerRegistry, type QueueConfig } from '../src';
import { echo } from './contracts';

// Operator commands ride out Redis restarts: they are data in Redis (not pub/sub
// messages), and the worker reads them again once it is reconnected.
describe('worker commands across Redis restarts', () => {
  let server: PrivateRedis;
  let config: QueueConfig;
  let raw: Redis;
  let worker: Worker | null = null;

  beforeAll(async () => {
    server = await PrivateRedis.start({ persistent: true });
    config = parseQueueConfig({ redisUrl: server.url, prefix: `jobq-test-control-${randomBytes(4).toString('hex')}`, operationTimeoutMs: 1_000 });
    raw = new Redis(server.url, { maxRetriesPerRequest: null });
    raw.on('error', () => undefined);
  });
  afterEach(async () => {
    await worker?.stopNow();
    worker = null;
  });
  afterAll(async () => {
    raw.disconnect();
    await server.destroy();
  });

  const start = async (name: string) => {
    worker = new Worker(config, { name, handlers: [handle(echo, (p) => ({ n: p.n, by: name }))], heartbeatMs: 200, registryTtlMs: 30_000 });
    worker.on('error', () => undefined);
    await worker.start();
    return worker;
  };

  it('a command sent just before Redis restarts still reaches the worker', async () => {
    const w = await start('w-restart');
    expect(await sendWorkerCommand(raw, config.prefix, 'w-restart', 'quiet')).toBe(true);
    await server.stop('SIGTERM');
    await server.start();
    await waitFor(() => w.isQuiet, { timeoutMs: 10_000, what: 'the worker to go quiet' });
    await waitFor(async () => (await new WorkerRegistry(raw, config.prefix).get('w-restart'))?.state === 'quiet', { timeoutMs: 10_000, what: 'quiet in the registry' });
  });

  it('a worker cut off while Redis is down reads a command sent once it is back', async () => {
    const w = await start('w-down');
    await server.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await server.start();
    await waitFor(async () => (await new WorkerRegistry(raw, config.prefix).get('w-down')) !== null, { timeoutMs: 10_000, what: 'the record' });
    const closed = new Promise<void>((r) => w.once('quiet', () => r()));
    expect(await sendWorkerCommand(raw, config.prefix, 'w-down', 'stop')).toBe(true);
    await closed;
    await waitFor(async () => (await new WorkerRegistry(raw, config.prefix).get('w-down')) === null, { timeoutMs: 10_000, what: 'the worker to close and deregister' });
  });
});
