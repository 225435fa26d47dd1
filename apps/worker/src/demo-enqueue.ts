import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { deliverWebhook, emailExportLink, exportDataset, generateReport, REPORT_TYPES, sendEmail, type AnyJobContract } from '@jobq/job-defs';
import { ConfigError, connectRedis, parseQueueConfig, QueueClient, redactUrl, RedisUnavailableError, WorkerRegistry, type EnqueueItem, type JobHandle, type QueueConfig } from '@jobq/queue-core';

const USAGE = `Usage: npm run demo:enqueue -- [--count N]

Enqueues a batch of every example job so the dashboard shows succeeded, failed,
retrying, delayed and long-running work, and one dependency chain (an export,
then an email with a link to it, deferred until the export succeeded). N (default 20) is the number of emails;
the other kinds scale with it. Reads REDIS_URL and JOBQ_PREFIX.`;

/** One kind of demo job: what it shows and the jobs to enqueue. */
interface DemoBatch<C extends AnyJobContract = AnyJobContract> {
  readonly contract: C;
  readonly what: string;
  readonly items: EnqueueItem<C>[];
}

function batch<C extends AnyJobContract>(contract: C, what: string, items: EnqueueItem<C>[]): DemoBatch {
  return { contract, what, items };
}

/** A loopback port nothing listens on: webhooks sent there fail with ECONNREFUSED. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const scaled = (count: number, per20: number) => Math.max(1, Math.round((count * per20) / 20));

function demoBatches(count: number, deadPort: number): DemoBatch[] {
  const isoDay = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  return [
    batch(
      sendEmail,
      'succeed',
      range(count).map((i) => ({ payload: { to: `user${i}@example.com`, subject: `Welcome #${i}`, text: `Hello user ${i}, thanks for signing up.` } })),
    ),
    batch(
      sendEmail,
      'fail at once (recipient domain .invalid is refused; no retries)',
      range(scaled(count, 3)).map((i) => ({ payload: { to: `nobody${i}@example.invalid`, subject: 'Bounce', text: 'This address does not exist.' } })),
    ),
    batch(
      sendEmail,
      'wait 2 minutes (delayed), then succeed',
      range(scaled(count, 2)).map((i) => ({ payload: { to: `later${i}@example.com`, subject: 'Reminder', text: 'Sent later.' }, options: { delayMs: 120_000 } })),
    ),
    batch(
      deliverWebhook,
      `retry twice, then fail (nothing listens on 127.0.0.1:${deadPort})`,
      range(scaled(count, 4)).map((i) => ({
        payload: { url: `http://127.0.0.1:${deadPort}/hooks/orders`, event: 'order.paid', body: { orderId: i }, requestTimeoutMs: 1_000 },
        options: { retries: 2, backoff: { strategy: 'fixed' as const, delayMs: 1_500 } },
      })),
    ),
    batch(
      generateReport,
      'succeed after some CPU work',
      range(scaled(count, 5)).map((i) => ({
        payload: { reportType: REPORT_TYPES[i % REPORT_TYPES.length], from: isoDay(0), to: isoDay(30 * i), rowsPerDay: 2_000 },
      })),
    ),
    batch(
      exportDataset,
      'run for about 30 s each, reporting progress',
      range(scaled(count, 3)).map((i) => ({ payload: { dataset: `customers-${i}`, chunks: 60, rowsPerChunk: 500, chunkDelayMs: 500 } })),
    ),
  ];
}

/**
 * What to do next: start workers when none serves these queues, otherwise watch
 * them (inside a running stack the workers are already there).
 */
async function nextStep(config: QueueConfig, queues: readonly string[]): Promise<string> {
  const redis = await connectRedis(config, { connectionName: `${config.prefix}:demo-enqueue`, failFast: true });
  try {
    const workers = (await new WorkerRegistry(redis, config.prefix).list()).filter((w) => w.queues.some((q) => queues.includes(q)));
    if (workers.length === 0) return 'No worker is running for these queues: start workers (npm start) and watch the dashboard.';
    return `${workers.length} worker${workers.length === 1 ? ' is' : 's are'} running them; watch the dashboard or \`jobq info --watch\`.`;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  let count: number;
  try {
    const { values } = parseArgs({ options: { count: { type: 'string', short: 'n', default: '20' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    count = Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`--count must be a whole number from 1 to 100000, got "${values.count}"`);
  } catch (err) {
    console.error(`demo-enqueue: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  const config = parseQueueConfig({ redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379', prefix: process.env.JOBQ_PREFIX || 'jobq' });
  const client = await QueueClient.connect(config);
  try {
    console.log(`Enqueuing demo jobs on ${redactUrl(config.redisUrl)} (prefix "${config.prefix}"):`);
    let total = 0;
    const batches = demoBatches(count, await closedPort());
    for (const b of batches) {
      const handles: JobHandle<AnyJobContract>[] = await client.enqueueMany(b.contract, b.items);
      total += handles.length;
      const ids = handles.length > 1 ? `${handles[0].id}..${handles[handles.length - 1].id}` : handles[0].id;
      console.log(`  ${String(handles.length).padStart(5)} x ${b.contract.name.padEnd(16)} on ${b.contract.queue.padEnd(14)} ids ${ids.padEnd(12)} will ${b.what}`);
    }
    // A dependency chain: an export, then an email with a link to it, which stays
    // deferred until the export succeeded and then reads its result.
    const chain = await client.enqueue(exportDataset, { dataset: 'invoices-chain', chunks: 20, rowsPerChunk: 500, chunkDelayMs: 500 });
    const email = await client.enqueue(emailExportLink, { to: 'finance@example.com', linkBase: process.env.DASHBOARD_URL || 'http://localhost:9181' }, { dependsOn: [chain] });
    total += 2;
    console.log(`      1 x ${exportDataset.name.padEnd(16)} on ${exportDataset.queue.padEnd(14)} ids ${chain.id.padEnd(12)} will run for about 10 s, then`);
    console.log(`      1 x ${emailExportLink.name.padEnd(16)} on ${emailExportLink.queue.padEnd(14)} ids ${email.id.padEnd(12)} waits (deferred) for it, then emails a link to it`);
    const queues = [...new Set(batches.map((b) => b.contract.queue))];
    console.log(`Enqueued ${total} jobs. ${await nextStep(config, queues)}`);
    return 0;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof RedisUnavailableError;
    console.error(`demo-enqueue: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}`);
    process.exit(1);
  },
);
