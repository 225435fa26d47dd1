// The three systems the runtime benchmark compares, behind one small interface:
//   jobq      queue-core's public API from the built libs (libs/*/dist)
//   bee       raw bee-queue 2.0, removeOnSuccess: true
//   bullmq    BullMQ, removeOnComplete: true (the last 1,000 kept when results are awaited)
// Producers run in the benchmark's main process, workers in child processes
// (scripts/lib/bench-child.cjs). Every system gets the same payload ({ t }) and
// returns the same result ({ doneAt }); handlers are counted by calls.
const { performance } = require('node:perf_hooks');
const BeeQueue = require('bee-queue');
const bullmq = require('bullmq');
const { requireBuilt } = require('./local.cjs');
const { defineJob, z } = requireBuilt('../../libs/job-defs/dist/index.js');
const { QueueClient, Worker, handle, parseQueueConfig } = requireBuilt('../../libs/queue-core/dist/index.js');

const SYSTEMS = ['jobq', 'bee', 'bullmq'];
const LABELS = { jobq: 'jobq', bee: 'bee-queue', bullmq: 'BullMQ' };
const QUEUE = 'bench';
const JOB_NAME = 'noop';

/** Wall-clock ms with sub-ms resolution, comparable across processes on one host. */
const now = () => performance.timeOrigin + performance.now();

/** The no-op contract jobq runs: `t` is a timestamp (send time or due time). */
const noop = defineJob({
  name: 'bench.noop',
  queue: QUEUE,
  description: 'benchmark no-op: returns when it finished',
  payload: z.object({ t: z.number() }),
  result: z.object({ doneAt: z.number() }),
  defaults: { retries: 0 },
});

function hostPort(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A producer for `system` on `prefix`.
 * @param {'jobq'|'bee'|'bullmq'} system
 * @param {{ url: string, prefix: string, results?: boolean }} opts  results: set up what
 *   waitResult needs (bee-queue getEvents/storeJobs, BullMQ QueueEvents)
 * @returns {Promise<{ enqueue(payload, o?: { runAt?: number }): Promise<unknown>,
 *   waitResult(handle, timeoutMs: number): Promise<{ doneAt: number }>,
 *   enqueueBulk(payloads: object[]): Promise<void>, close(): Promise<void> }>}
 */
async function openProducer(system, { url, prefix, results = false }) {
  if (system === 'jobq') {
    const client = await QueueClient.connect(parseQueueConfig({ redisUrl: url, prefix }));
    return {
      enqueue: (payload, o = {}) => client.enqueue(noop, payload, o.runAt !== undefined ? { runAt: o.runAt } : undefined),
      waitResult: (h, timeoutMs) => h.result({ timeoutMs }),
      enqueueBulk: async (payloads) => void (await client.enqueueMany(noop, payloads.map((payload) => ({ payload })))),
      close: () => client.close(),
    };
  }
  if (system === 'bee') {
    const queue = new BeeQueue(QUEUE, {
      prefix,
      redis: hostPort(url),
      isWorker: false,
      getEvents: results,
      storeJobs: results,
      sendEvents: false,
    });
    await queue.ready();
    return {
      enqueue: (payload, o = {}) => {
        const job = queue.createJob(payload);
        if (o.runAt !== undefined) job.delayUntil(o.runAt);
        return job.save();
      },
      waitResult: (job, timeoutMs) =>
        withTimeout(
          new Promise((resolve, reject) => {
            job.once('succeeded', resolve);
            job.once('failed', reject);
          }),
          timeoutMs,
          `bee-queue job ${job.id} 'succeeded' event`,
        ),
      enqueueBulk: async (payloads) => {
        const errors = await queue.saveAll(payloads.map((p) => queue.createJob(p)));
        if (errors.size > 0) throw new Error(`bee-queue saveAll: ${errors.size} job(s) failed`);
      },
      close: () => queue.close(10_000),
    };
  }
  if (system === 'bullmq') {
    const connection = hostPort(url);
    const queue = new bullmq.Queue(QUEUE, { connection, prefix });
    await queue.waitUntilReady();
    let events = null;
    if (results) {
      events = new bullmq.QueueEvents(QUEUE, { connection, prefix });
      await events.waitUntilReady();
    }
    // waitUntilFinished rejects ("Missing key for job") when the job finished and was
    // removed before its own isFinished check: when results are awaited, completed
    // jobs are kept, bounded (the last 1,000), as jobq keeps its results.
    const removeOnComplete = results ? { count: 1000 } : true;
    return {
      enqueue: (payload, o = {}) => {
        if (o.runAt === undefined) return queue.add(JOB_NAME, payload, { removeOnComplete });
        // timestamp + delay is exactly the due time (BullMQ would take its own Date.now()).
        const ts = Date.now();
        return queue.add(JOB_NAME, payload, { removeOnComplete, timestamp: ts, delay: Math.max(0, o.runAt - ts) });
      },
      waitResult: (job, timeoutMs) => job.waitUntilFinished(events, timeoutMs),
      enqueueBulk: async (payloads) => {
        await queue.addBulk(payloads.map((data) => ({ name: JOB_NAME, data, opts: { removeOnComplete: true } })));
      },
      close: async () => {
        await events?.close();
        await queue.close();
      },
    };
  }
  throw new Error(`unknown system ${system}`);
}

/**
 * A worker for `system`, connected but not yet taking jobs until `start()`.
 * @param {'jobq'|'bee'|'bullmq'} system
 * @param {{ url: string, prefix: string, name: string, concurrency: number, delayed?: boolean,
 *   handler: (payload: { t: number }) => { doneAt: number } }} opts  delayed: bee-queue only
 *   activates delayed jobs when asked (activateDelayedJobs); jobq and BullMQ always do
 * @returns {Promise<{ start(): Promise<void>, close(): Promise<void> }>}
 */
async function openWorker(system, { url, prefix, name, concurrency, delayed = false, handler }) {
  if (system === 'jobq') {
    const config = parseQueueConfig({ redisUrl: url, prefix });
    const worker = new Worker(config, { name, queues: [QUEUE], concurrency, handlers: [handle(noop, (payload) => handler(payload))] });
    worker.on('error', (err) => process.stderr.write(`jobq worker error: ${err.message}\n`));
    return {
      start: () => worker.start(),
      close: async () => void (await worker.close({ graceMs: 5_000 })),
    };
  }
  if (system === 'bee') {
    const queue = new BeeQueue(QUEUE, {
      prefix,
      redis: hostPort(url),
      isWorker: true,
      getEvents: false,
      removeOnSuccess: true,
      activateDelayedJobs: delayed,
      // The default (1000) batches delayed jobs due within 1 s of each other and
      // starts them up to 1 s late; 0 is bee-queue's most punctual setting.
      delayedDebounce: 0,
    });
    queue.on('error', (err) => process.stderr.write(`bee-queue error: ${err.message}\n`));
    await queue.ready();
    return {
      start: async () => void queue.process(concurrency, async (job) => handler(job.data)),
      close: () => queue.close(10_000),
    };
  }
  if (system === 'bullmq') {
    const worker = new bullmq.Worker(QUEUE, async (job) => handler(job.data), {
      connection: { ...hostPort(url), maxRetriesPerRequest: null },
      prefix,
      concurrency,
      autorun: false,
    });
    worker.on('error', (err) => process.stderr.write(`BullMQ worker error: ${err.message}\n`));
    await worker.waitUntilReady();
    return {
      start: async () => void worker.run().catch((err) => process.stderr.write(`BullMQ run: ${err.message}\n`)),
      close: () => worker.close(),
    };
  }
  throw new Error(`unknown system ${system}`);
}

module.exports = { SYSTEMS, LABELS, QUEUE, now, openProducer, openWorker };
