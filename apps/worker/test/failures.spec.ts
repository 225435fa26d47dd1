import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deliverWebhook, exportDataset, sendEmail, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from '@jobq/job-defs';
import type { JobFailedError } from '@jobq/queue-core';
import { freePort, waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

const SECRET = 'process-test-secret';
const strayError = (kind: 'rejection' | 'exception') => ({
  NODE_OPTIONS: `--require ${join(__dirname, 'fixtures/stray-error.cjs')}`,
  STRAY_ERROR: kind,
});

describe('worker process: failures', () => {
  const t = useWorkerFixture('failures');

  it('handlers that throw, time out or hit dead receivers fail their jobs; the process goes on', async () => {
    const worker = t.start('sturdy', { WEBHOOK_SECRET: SECRET });
    const deadPort = await freePort();

    const refused = await t.client.enqueue(sendEmail, { to: 'nobody@example.invalid', subject: 'x', text: 'y' });
    const unreachable = await t.client.enqueue(
      deliverWebhook,
      { url: `http://127.0.0.1:${deadPort}/hook`, event: 'e', body: {}, requestTimeoutMs: 500 },
      { retries: 1, backoff: null },
    );
    const tooSlow = await t.client.enqueue(exportDataset, { dataset: 'slow', chunks: 100, chunkDelayMs: 50 }, { timeoutMs: 300, retries: 0 });

    const failure = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err as JobFailedError);
    const [e1, e2, e3] = await Promise.all([refused, unreachable, tooSlow].map((h) => failure(h.result({ timeoutMs: 15_000 }))));
    expect(e1).toMatchObject({ failureCode: 'EMAIL_RECIPIENTS_REFUSED' });
    expect(e2).toMatchObject({ failureCode: 'WEBHOOK_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
    expect(e3).toMatchObject({ failureCode: 'JOBQ_JOB_TIMEOUT' });
    expect(worker.logs('job retrying', { jobId: unreachable.id, attempt: 1 })).toHaveLength(1);
    expect(worker.logs('job failed', { jobId: unreachable.id, attempt: 2 })).toHaveLength(1);

    // Still alive and working.
    const ok = await t.client.enqueue(sendEmail, { to: 'someone@example.com', subject: 'after', text: 'still here' });
    await expect(ok.result({ timeoutMs: 10_000 })).resolves.toMatchObject({ accepted: ['someone@example.com'], transport: 'outbox' });
    expect(worker.running).toBe(true);
    expect(worker.logs('uncaught exception: closing gracefully and exiting for a restart')).toEqual([]);
  });

  it('retries a webhook the receiver answered 5xx, and signs it with WEBHOOK_SECRET', async () => {
    const seen: { signature: string; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]), body });
        res.writeHead(seen.length === 1 ? 503 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const worker = t.start('webhooks', { WEBHOOK_SECRET: SECRET });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const job = await t.client.enqueue(deliverWebhook, { url, event: 'order.paid', body: { id: 1 } }, { retries: 2, backoff: { strategy: 'fixed', delayMs: 100 } });
      await expect(job.result({ timeoutMs: 15_000 })).resolves.toMatchObject({ status: 200, deliveryId: job.id });
      expect(seen).toHaveLength(2);
      for (const s of seen) expect(verifyWebhook(SECRET, s.body, s.signature)).toBe(true);
      expect(worker.logs('job retrying', { jobId: job.id, errorCode: 'WEBHOOK_SERVER_ERROR' })).toHaveLength(1);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('logs an unhandled rejection and goes on working', async () => {
    const worker = t.start('unbothered', strayError('rejection'));
    await worker.waitForLog('worker started; waiting for jobs');
    worker.kill('SIGUSR2');
    const line = await worker.waitForLog('unhandled promise rejection (ignored; the worker goes on)');
    expect(line.err).toMatchObject({ message: 'stray rejection' });
    const job = await t.client.enqueue(sendEmail, { to: 'a@example.com', subject: 's', text: 't' });
    await expect(job.result({ timeoutMs: 10_000 })).resolves.toMatchObject({ accepted: ['a@example.com'] });
    expect(worker.running).toBe(true);
  });

  it('on an uncaught exception, finishes the running job, deregisters and exits 1 for a restart', async () => {
    const worker = t.start('crashing', strayError('exception'));
    const job = await t.client.enqueue(exportDataset, { dataset: 'x', chunks: 20, rowsPerChunk: 1, chunkDelayMs: 50 });
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });
    worker.kill('SIGUSR2');
    const line = await worker.waitForLog('uncaught exception: closing gracefully and exiting for a restart');
    expect(line.err).toMatchObject({ message: 'stray exception' });
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(await job.status()).toBe('succeeded');
    expect(await t.registered()).toEqual([]);
  });

  it('exits non-zero with a message naming each bad variable', async () => {
    const worker = t.start('misconfigured', { WORKER_CONCURRENCY: 'lots', WORKER_QUEUES: 'high_priority,emails' });
    expect(await worker.exited).toEqual({ code: 78, signal: null });
    const output = worker.text.join('\n');
    expect(output).toContain('jobq worker: Invalid worker configuration:');
    expect(output).toContain('WORKER_CONCURRENCY="lots": must be a number');
    expect(output).toContain('WORKER_QUEUES="high_priority,emails": queue "emails" has no job in the catalogue');
  });

  it('waits for an unreachable Redis instead of exiting, and still stops on SIGTERM', async () => {
    const worker = t.start('patient', { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    await worker.waitForLog('Redis is not reachable; retrying', { attempt: 2 });
    expect(worker.running).toBe(true);
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });
});
