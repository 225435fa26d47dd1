import { exportDataset } from '@jobq/job-defs';
import { waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

/** A long export: `chunks` x 100 ms, so it is still running when a signal comes. */
const longExport = (chunks: number) => ({ dataset: 'signals', chunks, rowsPerChunk: 10, chunkDelayMs: 100 });

const STOPPING = 'stopping: no new jobs; waiting for running jobs (signal again to stop at once)';

describe('worker processes: registry and signals', () => {
  const t = useWorkerFixture('signals');

  it('three workers appear in the registry with their identity and queues', async () => {
    const pids = ['w1', 'w2', 'w3'].map((n) => t.start(n).child.pid);
    await waitFor(async () => (await t.registered()).length === 3, { what: 'three registered workers' });
    const list = await t.registry.list();
    expect(list.map((w) => w.name)).toEqual(['w1', 'w2', 'w3']);
    expect(list.map((w) => w.pid)).toEqual(pids);
    for (const w of list) {
      expect(w).toMatchObject({ queues: ['high_priority', 'low_priority'], concurrency: 4, state: 'idle' });
    }
  });

  it('first SIGTERM: the running job completes, the record goes, the process exits 0', async () => {
    const worker = t.start('graceful');
    const job = await t.client.enqueue(exportDataset, longExport(15));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });

    worker.kill('SIGTERM');
    await worker.waitForLog(STOPPING);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.logs('job succeeded', { jobId: job.id, job: 'dataset.export' })).toHaveLength(1);
    expect(worker.logs('worker stopped', { completed: 1, requeued: 0 })).toHaveLength(1);
    expect(await job.status()).toBe('succeeded');
    await expect(job.result({ timeoutMs: 1_000 })).resolves.toMatchObject({ dataset: 'signals', chunks: 15, rows: 150 });
    expect(await t.registered()).toEqual([]);
  });

  it('second signal: exits at once and the running job goes back to waiting', async () => {
    const worker = t.start('impatient', { WORKER_GRACE_MS: '20000' });
    const job = await t.client.enqueue(exportDataset, longExport(300));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });

    worker.kill('SIGTERM');
    await worker.waitForLog(STOPPING);
    const secondAt = Date.now();
    worker.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - secondAt).toBeLessThan(3_000);
    expect(worker.logs('worker stopped', { requeued: 1 })).toHaveLength(1);
    expect(await job.status()).toBe('waiting');
    expect(await t.registered()).toEqual([]);
  });

  it('SIGKILL mid-job: the record expires and another worker finishes the job', async () => {
    // Short heartbeat, registry TTL and stall interval, so the dead worker is noticed in about a second.
    const fast = { WORKER_HEARTBEAT_MS: '200', WORKER_REGISTRY_TTL_MS: '1000', WORKER_STALL_INTERVAL_MS: '1000' };
    const victim = t.start('victim', fast);
    await waitFor(async () => (await t.registered()).includes('victim'), { what: 'the victim to register' });
    const job = await t.client.enqueue(exportDataset, longExport(20));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });
    const rescuer = t.start('rescuer', fast);
    await waitFor(async () => (await t.registered()).includes('rescuer'), { what: 'the rescuer to register' });

    victim.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor(async () => !(await t.registered()).includes('victim'), { timeoutMs: 5_000, what: "the victim's record to expire" });
    await expect(job.result({ timeoutMs: 20_000 })).resolves.toMatchObject({ chunks: 20, rows: 200 });
    // result() is pushed now, so it can beat the rescuer's log line through its stdout pipe.
    await waitFor(() => rescuer.logs('job succeeded', { jobId: job.id }).length === 1, { timeoutMs: 5_000, what: "the rescuer's log line" });
    expect(rescuer.running).toBe(true);
  });
});
