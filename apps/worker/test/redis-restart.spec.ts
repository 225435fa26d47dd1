import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportDataset, sendEmail } from '@jobq/job-defs';
import { QueueClient, type QueueConfig } from '@jobq/queue-core';
import { PrivateRedis, waitFor } from '@jobq/testing';
import { testConfig } from './support/redis';
import { killAll, SpawnedWorker } from './support/spawned-worker';

const email = (i: number) => ({ payload: { to: `user${i}@example.com`, subject: `Mail ${i}`, text: 'Hello' } });
const emails = (from: number, n: number) => Array.from({ length: n }, (_, i) => email(from + i));

describe('worker process: Redis restart', () => {
  let server: PrivateRedis;
  let config: QueueConfig;
  let outbox: string;
  const workers: SpawnedWorker[] = [];
  const clients: QueueClient[] = [];

  beforeAll(async () => {
    server = await PrivateRedis.start({ persistent: true });
    config = testConfig('restart', server.url);
    outbox = await mkdtemp(join(tmpdir(), 'jobq-restart-'));
  });
  afterAll(async () => {
    await killAll(workers);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await server.destroy();
    await rm(outbox, { recursive: true, force: true });
  });

  it('keeps running while Redis is down and resumes when it is back, losing and repeating nothing', async () => {
    const worker = SpawnedWorker.start(config, 'survivor', { OUTBOX_DIR: outbox });
    workers.push(worker);
    const before = await QueueClient.connect(config);
    clients.push(before);
    const firstBatch = await before.enqueueMany(sendEmail, emails(1, 10));
    await Promise.all(firstBatch.map((h) => h.result({ timeoutMs: 15_000 })));
    // A job that is running when Redis goes away: its progress reports and its
    // result wait for the reconnect.
    const longJob = await before.enqueue(exportDataset, { dataset: 'through-outage', chunks: 20, rowsPerChunk: 10, chunkDelayMs: 100 });
    await waitFor(async () => (await longJob.progress())?.percent, { what: 'the export to make progress' });
    await before.close();

    await server.stop();
    await worker.waitForLog('lost the connection to Redis; retrying (running jobs go on)');
    await server.start();
    await worker.waitForLog('reconnected to Redis; resuming', {}, { timeoutMs: 20_000 });

    const after = await QueueClient.connect(config);
    clients.push(after);
    const secondBatch = await after.enqueueMany(sendEmail, emails(11, 10));
    await Promise.all(secondBatch.map((h) => h.result({ timeoutMs: 20_000 })));
    await expect(after.job(exportDataset, longJob.id).result({ timeoutMs: 20_000 })).resolves.toMatchObject({ rows: 200 });
    for (const h of firstBatch) expect(await after.job(sendEmail, h.id).status()).toBe('succeeded');

    const succeeded = worker.logs('job succeeded').map((l) => `${String(l.queue)}/${String(l.jobId)}`);
    expect(succeeded).toHaveLength(21);
    expect(new Set(succeeded).size).toBe(21);
    expect(await readdir(outbox)).toHaveLength(20);
    const at = (msg: string, fields = {}) => worker.lines.indexOf(worker.logs(msg, fields)[0]);
    expect(at('job succeeded', { jobId: longJob.id, job: 'dataset.export' })).toBeGreaterThan(at('reconnected to Redis; resuming'));
    expect(worker.running).toBe(true);
  });
});
