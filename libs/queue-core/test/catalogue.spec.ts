import { dailyReport, deliverWebhook, emailExportLink, exportDataset, generateReport, pruneOutbox, sendEmail, catalogueList, QUEUES_BY_PRIORITY } from '@jobq/job-defs';
import { Redis } from 'ioredis';
import { QueueClient, Worker, handle, type QueueConfig } from '../src';
import { deletePrefix } from '@jobq/testing';
import { rawRedis, testConfig } from './helpers';

// The typed round trip for every catalogue contract: producer payload type in,
// handler payload type (after defaults), result type out. The real handlers are
// exercised by apps/worker's tests; these stand-ins check the wiring and types.
describe('catalogue contracts end to end', () => {
  let config: QueueConfig;
  let client: QueueClient;
  let worker: Worker;
  let redis: Redis;

  beforeAll(async () => {
    config = testConfig('catalogue');
    client = await QueueClient.connect(config);
    redis = rawRedis();
    worker = new Worker(config, {
      name: 'catalogue-worker',
      queues: QUEUES_BY_PRIORITY,
      concurrency: 4,
      handlers: [
        handle(sendEmail, (m) => ({ messageId: `<${m.subject}@test>`, accepted: [m.to].flat(), transport: 'memory' })),
        handle(deliverWebhook, (w) => ({ status: 204, durationMs: w.requestTimeoutMs / 1000, deliveryId: w.event })),
        handle(generateReport, (r) => ({ reportType: r.reportType, days: 2, rows: 2 * r.rowsPerDay, total: 10, mean: 5, min: 1, max: 9, p95: 9 })),
        handle(exportDataset, async (d, ctx) => {
          for (let i = 1; i <= d.chunks; i += 1) await ctx.progress((100 * i) / d.chunks, `chunk ${i}/${d.chunks}`);
          return { dataset: d.dataset, chunks: d.chunks, rows: d.chunks * d.rowsPerChunk, checksum: 'abc' };
        }),
        handle(emailExportLink, async (p, ctx) => {
          const exports = [...(await ctx.parentResults(exportDataset))].map(([jobId, r]) => ({ jobId, dataset: r.dataset, rows: r.rows, checksum: r.checksum, link: `${p.linkBase}/${jobId}` }));
          return { messageId: `<${p.to}>`, exports };
        }),
        handle(dailyReport, (r) => ({ reportType: r.reportType, days: 1, rows: r.rowsPerDay, total: 10, mean: 5, min: 1, max: 9, p95: 9, day: '2026-01-01' })),
        handle(pruneOutbox, (p) => ({ removed: p.olderThanHours, kept: 0 })),
      ],
    });
    await worker.start();
  });
  afterAll(async () => {
    await worker.close({ graceMs: 1_000 });
    await client.close();
    await deletePrefix(redis, config.prefix);
    redis.disconnect();
  });

  it('covers every contract of the catalogue', () => {
    expect(catalogueList.map((c) => c.name).sort()).toEqual(['dataset.email-link', 'dataset.export', 'email.send', 'outbox.prune', 'report.daily', 'report.generate', 'webhook.deliver']);
  });

  it('report.daily (time zone default and check) and outbox.prune (default hours)', async () => {
    const report = await client.enqueue(dailyReport, { reportType: 'sales', rowsPerDay: 3 });
    expect(await report.result()).toMatchObject({ reportType: 'sales', rows: 3, day: '2026-01-01' });
    await expect(client.enqueue(dailyReport, { reportType: 'sales', timeZone: 'Nowhere/Land' })).rejects.toMatchObject({
      issues: [{ path: 'timeZone', message: 'must be an IANA time zone, e.g. Europe/Berlin' }],
    });
    expect(await (await client.enqueue(pruneOutbox, {})).result()).toEqual({ removed: 24, kept: 0 });
  });

  it('email.send', async () => {
    const job = await client.enqueue(sendEmail, { to: ['a@example.com', 'b@example.com'], subject: 'Hi', text: 'Hello' });
    const result: { messageId: string; accepted: string[] } = await job.result();
    expect(result).toEqual({ messageId: '<Hi@test>', accepted: ['a@example.com', 'b@example.com'], transport: 'memory' });
  });

  it('webhook.deliver (payload defaults applied before the handler)', async () => {
    const job = await client.enqueue(deliverWebhook, { url: 'http://127.0.0.1:9/hook', event: 'order.paid', body: { id: 1 } });
    expect(await job.result()).toEqual({ status: 204, durationMs: 5, deliveryId: 'order.paid' });
  });

  it('report.generate', async () => {
    const job = await client.enqueue(generateReport, { reportType: 'usage', from: '2026-01-01', to: '2026-01-02', rowsPerDay: 10 });
    expect(await job.result()).toMatchObject({ reportType: 'usage', rows: 20 });
  });

  it('report.generate rejects from > to with the field named', async () => {
    await expect(client.enqueue(generateReport, { reportType: 'usage', from: '2026-02-01', to: '2026-01-01' })).rejects.toMatchObject({
      issues: [{ path: 'from', message: 'must not be after "to"' }],
    });
  });

  it('dataset.export reports progress', async () => {
    const job = await client.enqueue(exportDataset, { dataset: 'users', chunks: 4, rowsPerChunk: 10, chunkDelayMs: 0 });
    expect(await job.result()).toEqual({ dataset: 'users', chunks: 4, rows: 40, checksum: 'abc' });
    expect(await job.progress()).toEqual({ percent: 100, message: 'chunk 4/4' });
  });

  it('dataset.email-link runs after its dataset.export parent and reads its typed result', async () => {
    const exportJob = await client.enqueue(exportDataset, { dataset: 'orders', chunks: 2, rowsPerChunk: 5, chunkDelayMs: 0 });
    const link = await client.enqueue(emailExportLink, { to: 'ana@example.com' }, { dependsOn: [exportJob] });
    expect(await link.result()).toEqual({
      messageId: '<ana@example.com>',
      exports: [{ jobId: exportJob.id, dataset: 'orders', rows: 10, checksum: 'abc', link: `http://localhost:9181/${exportJob.id}` }],
    });
  });
});
