import { exportDataset, sendEmail } from '@jobq/job-defs';
import { useWorkerFixture } from './support/worker-fixture';
import { waitFor } from './support/wait';

const LOW = 500;
const HIGH = 50;

describe('worker process: queue priority', () => {
  const t = useWorkerFixture('priority');

  it('runs 50 high-priority jobs before most of 500 low-priority ones enqueued first', async () => {
    const lows = await t.client.enqueueMany(
      exportDataset,
      Array.from({ length: LOW }, (_, i) => ({ payload: { dataset: `low-${i}`, chunks: 1, rowsPerChunk: 1, chunkDelayMs: 0 } })),
    );
    const highs = await t.client.enqueueMany(
      sendEmail,
      Array.from({ length: HIGH }, (_, i) => ({ payload: { to: `user${i}@example.com`, subject: 'Priority', text: 'First!' } })),
    );
    const worker = t.start('priority', { LOG_LEVEL: 'info' });
    const finished = () => worker.logs('job succeeded');
    await waitFor(() => finished().length === LOW + HIGH, { timeoutMs: 60_000, what: `all ${LOW + HIGH} jobs to succeed` });

    // The order the jobs finished in, as the worker logged them.
    const order = finished().map((l) => `${String(l.queue)}/${String(l.jobId)}`);
    expect(new Set(order).size).toBe(LOW + HIGH);
    const lastHigh = Math.max(...highs.map((h) => order.indexOf(`high_priority/${h.id}`)));
    const lowsBeforeLastHigh = lows.filter((l) => order.indexOf(`low_priority/${l.id}`) < lastHigh).length;
    // Only jobs already running when the high ones were seen may finish before them:
    // at most one fetch's worth (concurrency 4); allow 20% of the lows.
    expect(lowsBeforeLastHigh).toBeLessThanOrEqual(LOW * 0.2);
    expect(lowsBeforeLastHigh).toBeLessThanOrEqual(8);
  });
});
