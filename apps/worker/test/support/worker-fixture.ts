import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueClient, WorkerRegistry, type QueueConfig } from '@jobq/queue-core';
import { deletePrefix } from '@jobq/testing';
import { rawRedis, testConfig, type RedisConnection } from './redis';
import { killAll, SpawnedWorker } from './spawned-worker';

/** What a process test works with; fresh per test (or per file, with `scope: 'all'`). */
export interface WorkerFixture {
  /** The shared Redis under a private key prefix. */
  readonly config: QueueConfig;
  readonly client: QueueClient;
  readonly redis: RedisConnection;
  readonly registry: WorkerRegistry;
  /** A private OUTBOX_DIR the workers write emails into. */
  readonly outbox: string;
  /** Starts a worker process on this fixture's prefix and outbox; it is killed after the test. */
  start(name: string, env?: Record<string, string>): SpawnedWorker;
  /** Names of the workers in the registry now. */
  registered(): Promise<string[]>;
}

/**
 * Registers the jest hooks that set a {@link WorkerFixture} up before each test
 * (or once, `scope: 'all'`) and tear it down after: worker processes killed, the
 * prefix's keys deleted, the outbox removed.
 */
export function useWorkerFixture(suite: string, scope: 'each' | 'all' = 'each'): WorkerFixture {
  const workers: SpawnedWorker[] = [];
  let state: Omit<WorkerFixture, 'start' | 'registered'> | undefined;
  const get = () => {
    if (!state) throw new Error('The worker fixture is only ready inside tests');
    return state;
  };
  (scope === 'each' ? beforeEach : beforeAll)(async () => {
    const config = testConfig(suite);
    const redis = await rawRedis(config);
    state = {
      config,
      redis,
      client: await QueueClient.connect(config),
      registry: new WorkerRegistry(redis, config.prefix),
      outbox: await mkdtemp(join(tmpdir(), `jobq-${suite}-`)),
    };
  });
  (scope === 'each' ? afterEach : afterAll)(async () => {
    const s = get();
    state = undefined;
    await killAll(workers.splice(0));
    await s.client.close();
    await deletePrefix(s.redis, s.config.prefix);
    s.redis.disconnect();
    await rm(s.outbox, { recursive: true, force: true });
  });
  return {
    get config() {
      return get().config;
    },
    get client() {
      return get().client;
    },
    get redis() {
      return get().redis;
    },
    get registry() {
      return get().registry;
    },
    get outbox() {
      return get().outbox;
    },
    start(name, env = {}) {
      const worker = SpawnedWorker.start(get().config, name, { OUTBOX_DIR: get().outbox, ...env });
      workers.push(worker);
      return worker;
    },
    async registered() {
      return (await get().registry.list()).map((w) => w.name);
    },
  };
}
