// Quiet and stop reach a worker process through Redis (as the dashboard's
// buttons do), wherever it runs: here a real `node dist/main.js`.
import { exportDataset } from '@jobq/job-defs';
import { sendWorkerCommand } from '@jobq/queue-core';
import { waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

/** A long export: `chunks` x 100 ms, so it is still running when the command comes. */
const longExport = (chunks: number) => ({ dataset: 'control', chunks, rowsPerChunk: 10, chunkDelayMs: 100 });

const QUIET = 'quiet: taking no new jobs; running ones finish (stop or restart the worker to resume)';

describe('worker processes: quiet and stop commands', () => {
  const t = useWorkerFixture('control');

  it('quiet: the running job finishes, no new job is taken, the record says quiet, the process stays up', async () => {
    const worker = t.start('calm');
    await waitFor(async () => (await t.registered()).includes('calm'), { what: 'the worker to register' });
    const running = await t.client.enqueue(exportDataset, longExport(10));
    await waitFor(async () => (await running.progress())?.percent, { what: 'the export to make progress' });

    const sentAt = Date.now();
    expect(await sendWorkerCommand(t.redis, t.config.prefix, 'calm', 'quiet')).toBe(true);
    await worker.waitForLog(QUIET);
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    await waitFor(async () => (await t.registry.get('calm'))?.state === 'quiet', { what: 'state quiet in the registry' });
    const later = await t.client.enqueue(exportDataset, longExport(1));
    await expect(running.result({ timeoutMs: 10_000 })).resolves.toMatchObject({ chunks: 10 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await later.status()).toBe('waiting');
    expect(worker.running).toBe(true);
    expect((await t.registry.get('calm'))?.state).toBe('quiet');

    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(await later.status()).toBe('waiting');
  });

  it('stop: closes as on SIGTERM (the running job completes) and the process exits 0 for its supervisor to restart', async () => {
    const worker = t.start('stopper');
    await waitFor(async () => (await t.registered()).includes('stopper'), { what: 'the worker to register' });
    const job = await t.client.enqueue(exportDataset, longExport(10));
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });

    expect(await sendWorkerCommand(t.redis, t.config.prefix, 'stopper', 'stop')).toBe(true);
    await worker.waitForLog('stopping: no new jobs; waiting for running jobs (signal again to stop at once)', { reason: 'stop command' });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.logs('worker stopped', { completed: 1, requeued: 0 })).toHaveLength(1);
    expect(await job.status()).toBe('succeeded');
    expect(await t.registered()).toEqual([]);

    // Restarted under the same name (as supervisord does), it ignores the spent command and works.
    const again = t.start('stopper');
    const next = await t.client.enqueue(exportDataset, longExport(1));
    await expect(next.result({ timeoutMs: 10_000 })).resolves.toMatchObject({ chunks: 1 });
    expect(again.running).toBe(true);
  });

  it('a command for a worker that is not registered is refused and not stored', async () => {
    expect(await sendWorkerCommand(t.redis, t.config.prefix, 'ghost', 'stop')).toBe(false);
    expect(await t.redis.keys(`${t.config.prefix}:x:control:*`)).toEqual([]);
  });
});
