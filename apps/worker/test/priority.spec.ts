import { exportDataset, sendEmail } from '@jobq/job-defs';
import { waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

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
    // Every high job is taken before any low one; lows start only once the high
    // queue is empty, and while the last (slower, file-writing) high jobs still run,
    // the free slots may finish a few quick lows. "Most of the 500" is the contract:
    // allow 10%.
    expect(lowsBeforeLastHigh).toBeLessThanOrEqual(LOW * 0.1);
    const firstLow = Math.min(...lows.map((l) => order.indexOf(`low_priority/${l.id}`)));
    const highsAfterFirstLow = highs.filter((h) => order.indexOf(`high_priority/${h.id}`) > firstLow).length;
    // Only the high jobs still running when the first low one was taken (at most concurrency - 1 = 3).
    expect(highsAfterFirstLow).toBeLessThanOrEqual(3);
  });
});
