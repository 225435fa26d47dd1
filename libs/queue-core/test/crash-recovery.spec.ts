import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { deletePrefix, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { QueueClient, Worker, WorkerRegistry, handle, queueKeys, readNameHistory, type QueueConfig } from '../src';
import { crash } from './contracts';
import { rawRedis, REDIS_URL, testConfig } from './helpers';

function spawnWorker(config: QueueConfig, name: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [join(__dirname, 'fixtures/child-worker.cjs')], {
    env: { ...process.env, REDIS_URL, PREFIX: config.prefix, NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

describe('crash recovery (worker processes killed with SIGKILL)', () => {
  let config: QueueConfig;
  let client: QueueClient;
  let redis: Redis;
  const children: ChildProcess[] = [];
  const workers: Worker[] = [];

  beforeEach(async () => {
    config = testConfig('crash');
    client = await QueueClient.connect(config);
    redis = rawRedis();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(workers.splice(0).map((w) => w.stopNow()));
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
  });

  it('a job whose worker is killed mid-job is finished by another worker', async () => {
    const victim = spawnWorker(config, 'victim');
    children.push(victim);
    const job = await client.enqueue(crash, { ms: 60_000 });
    const k = queueKeys(config.prefix, 'test_crash');
    await waitFor(async () => (await redis.hget(k.run(job.id), 'worker')) === 'victim', 10_000, 'victim to take the job');
    victim.kill('SIGKILL');
    await exited(victim);

    const rescuer = new Worker(config, {
      name: 'rescuer',
      stallIntervalMs: 500,
      heartbeatMs: 100,
      handlers: [handle(crash, () => ({ waited: 0, by: 'rescuer' }))],
    });
    workers.push(rescuer);
    const recovered: string[] = [];
    rescuer.on('stalled', (e) => recovered.push(...e.recovered));
    await rescuer.start();
    await expect(job.result({ timeoutMs: 15_000 })).resolves.toEqual({ waited: 0, by: 'rescuer' });
    expect(recovered).toContain(job.id);
    const run = await redis.hgetall(k.run(job.id));
    expect(run).toMatchObject({ state: 'succeeded', worker: 'rescuer', attempts: '1', stalls: '1' });
    // The dead worker's registry record expires (heartbeat 100 ms -> TTL 300 ms).
    const registry = new WorkerRegistry(redis, config.prefix);
    await waitFor(async () => !(await registry.list()).some((w) => w.name === 'victim'), 5_000, 'victim record to expire');
  }, 40_000);

  it('a job that kills its worker every time ends failed instead of looping forever', async () => {
    const job = await client.enqueue(crash, { ms: 0 });
    const k = queueKeys(config.prefix, 'test_crash');
    // MAX_STALLS=1: the first crash is recovered, the second fails the job.
    for (let i = 0; i < 6 && (await redis.hget(k.run(job.id), 'state')) !== 'failed'; i += 1) {
      const child = spawnWorker(config, `suicidal-${i}`, { MODE: 'suicide', MAX_STALLS: '1', STALL_MS: '300' });
      children.push(child);
      await Promise.race([exited(child), new Promise((r) => setTimeout(r, 3_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        // It found nothing to run yet (the job waits in stalled state for the check): stop it.
        child.kill('SIGKILL');
        await exited(child);
      }
      await new Promise((r) => setTimeout(r, 400));
    }
    const err = await job.result({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'JOBQ_JOB_FAILED', failureCode: 'JOBQ_JOB_STALLED' });
    expect(await redis.sismember(k.failed, job.id)).toBe(1);
    expect(await redis.llen(k.active)).toBe(0);
    expect(await redis.lrange(k.waiting, 0, -1)).not.toContain(job.id);
    expect(await redis.hget(k.run(job.id), 'stalls')).toBe('2');
    // Counted as failed in the history too (without a duration).
    const names = await readNameHistory(redis, config.prefix, 'test_crash', 1);
    expect(names.find((n) => n.name === crash.name)).toMatchObject({ processed: 1, failed: 1, meanMs: null, p50Ms: null });
  }, 60_000);

  it('with several workers, a killed worker\'s job is back in waiting within two stall intervals', async () => {
    const STALL_MS = 1_000;
    const k = queueKeys(config.prefix, 'test_crash');
    // Two live workers that stay busy, so the recovered job is visible in waiting.
    const others = ['a', 'b'].map((n) => spawnWorker(config, `busy-${n}`, { STALL_MS: String(STALL_MS) }));
    children.push(...others);
    const blockers = await client.enqueueMany(crash, [{ payload: { ms: 30_000 } }, { payload: { ms: 30_000 } }]);
    await waitFor(async () => (await redis.llen(k.active)) === 2, 10_000, 'the live workers to be busy');
    const victim = spawnWorker(config, 'victim', { STALL_MS: String(STALL_MS) });
    children.push(victim);
    const job = await client.enqueue(crash, { ms: 60_000 });
    await waitFor(async () => (await redis.hget(k.run(job.id), 'worker')) === 'victim', 10_000, 'victim to take the job');
    victim.kill('SIGKILL');
    await exited(victim);
    const killedAt = Date.now();
    await waitFor(async () => (await redis.lrange(k.waiting, 0, -1)).includes(job.id), 2 * STALL_MS + 1_000, 'the job back in waiting');
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2 * STALL_MS + 250);
    // The live workers' jobs were never taken for stalled.
    for (const b of blockers) expect(await redis.hget(k.run(b.id), 'stalls')).toBeNull();
  }, 40_000);
});
