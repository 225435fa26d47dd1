import { exportDataset } from '@jobq/job-defs';
import { QueueClient, WorkerRegistry, type QueueConfig } from '@jobq/queue-core';
import { deletePrefix, rawRedis, testConfig, type RedisConnection } from './support/redis';
import { killAll, SpawnedWorker } from './support/spawned-worker';
import { waitFor } from './support/wait';

/** A long export: `chunks` x 100 ms, so it is still running when a signal comes. */
const longExport = (chunks: number) => ({ dataset: 'signals', chunks, rowsPerChunk: 10, chunkDelayMs: 100 });

describe('worker processes: registry and signals', () => {
  let config: QueueConfig;
  let client: QueueClient;
  let redis: RedisConnection;
  let registry: WorkerRegistry;
  const workers: SpawnedWorker[] = [];
  const start = (name: string, env: Record<string, string> = {}) => {
    const w = SpawnedWorker.start(config, name, env);
    workers.push(w);
    return w;
  };
  const registered = async () => (await registry.list()).map((w) => w.name);

  beforeEach(async () => {
    config = testConfig('signals');
    client = await QueueClient.connect(config);
    redis = await rawRedis(config);
    registry = new WorkerRegistry(redis, config.prefix);
  });
  afterEach(async () => {
    await killAll(workers.splice(0));
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
  });

  it('three workers appear in the registry with their identity and queues', async () => {
    const pids = ['w1', 'w2', 'w3'].map((n) => start(n).child.pid);
    await waitFor(async () => (await registered()).length === 3, { what: 'three registered workers' });
    const list = await registry.list();
    expect(list.map((w) => w.name)).toEqual(['w1', 'w2', 'w3']);
    expect(list.map((w) => w.pid)).toEqual(pids);
    for (const w of list) {
      expect(w).toMatchObject({ queues: ['high_priority', 'low_priority'], concurrency: 4, state: 'idle' });
    }
  });

  it('first SIGTERM: the running job completes, the record goes, the process exits 0', async () => {
    const worker = start('graceful');
    const job = await client.enqueue(exportDataset, longExport(15));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });

    worker.kill('SIGTERM');
    await worker.waitForLog('stopping: no new jobs; waiting for running jobs (signal again to stop at once)');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.logs('job succeeded', { jobId: job.id, job: 'dataset.export' })).toHaveLength(1);
    expect(worker.logs('worker stopped', { completed: 1, requeued: 0 })).toHaveLength(1);
    expect(await job.status()).toBe('succeeded');
    await expect(job.result({ timeoutMs: 1_000 })).resolves.toMatchObject({ dataset: 'signals', chunks: 15, rows: 150 });
    expect(await registered()).toEqual([]);
  });

  it('second signal: exits at once and the running job goes back to waiting', async () => {
    const worker = start('impatient', { WORKER_GRACE_MS: '20000' });
    const job = await client.enqueue(exportDataset, longExport(300));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });

    worker.kill('SIGTERM');
    await worker.waitForLog('stopping: no new jobs; waiting for running jobs (signal again to stop at once)');
    const secondAt = Date.now();
    worker.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - secondAt).toBeLessThan(3_000);
    expect(worker.logs('worker stopped', { requeued: 1 })).toHaveLength(1);
    expect(await job.status()).toBe('waiting');
    expect(await registered()).toEqual([]);
  });

  it('SIGKILL mid-job: the record expires and another worker finishes the job', async () => {
    // Short heartbeat, registry TTL and stall interval, so the dead worker is noticed in about a second.
    const fast = { WORKER_HEARTBEAT_MS: '200', WORKER_REGISTRY_TTL_MS: '1000', WORKER_STALL_INTERVAL_MS: '1000' };
    const victim = start('victim', fast);
    await waitFor(async () => (await registered()).includes('victim'), { what: 'the victim to register' });
    const job = await client.enqueue(exportDataset, longExport(20));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });
    const rescuer = start('rescuer', fast);
    await waitFor(async () => (await registered()).includes('rescuer'), { what: 'the rescuer to register' });

    victim.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor(async () => !(await registered()).includes('victim'), { timeoutMs: 5_000, what: "the victim's record to expire" });
    await expect(job.result({ timeoutMs: 20_000 })).resolves.toMatchObject({ chunks: 20, rows: 200 });
    expect(rescuer.logs('job succeeded', { jobId: job.id })).toHaveLength(1);
    expect(rescuer.running).toBe(true);
  });
});
