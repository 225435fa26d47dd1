#!/usr/bin/env node
// Benchmark: raw bee-queue vs queue-core on the same Redis, in one run.
// For each concurrency (1, 10, 100): bulk-enqueue N no-op jobs, then process them,
// and report jobs/s for both and the ratio. queue-core runs with everything on:
// payload validation, result validation, result storage, history index,
// throughput counters, registry heartbeats.
//
//   npm run build && npm run bench            (REDIS_URL, default redis://127.0.0.1:6379)
//   node scripts/bench-queue.cjs --jobs 20000 --concurrency 1,10,100 --rounds 1
//
// Writes bench-output/queue-core.md. Uses its own key prefix and deletes it after.
const { parseArgs } = require('node:util');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const BeeQueue = require('bee-queue');
const { Redis } = require('ioredis');
const { defineJob, z } = require('../libs/job-defs/dist/index.js');
const { QueueClient, Worker, handle, parseQueueConfig } = require('../libs/queue-core/dist/index.js');
const { deletePrefix } = require('./lib/local.cjs');

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '1,10,100' },
    rounds: { type: 'string', default: '1' },
  },
});
const N = Number(values.jobs);
const LEVELS = values.concurrency.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `jobq-bench-${process.pid}`;
const BATCH = 1000;

const noop = defineJob({
  name: 'bench.noop',
  queue: 'bench',
  description: 'does nothing',
  payload: z.object({ i: z.number().int() }),
  result: z.object({ ok: z.boolean() }),
});

async function rawBeeQueue(concurrency, tag) {
  const settings = { prefix: `${PREFIX}-raw${tag}`, redis: { url: REDIS_URL } };
  const producer = new BeeQueue('bench', { ...settings, isWorker: false, getEvents: false });
  await producer.ready();
  let t0 = process.hrtime.bigint();
  for (let s = 0; s < N; s += BATCH) {
    const jobs = [];
    for (let i = s; i < Math.min(N, s + BATCH); i += 1) jobs.push(producer.createJob({ i }));
    await producer.saveAll(jobs);
  }
  const enqueueS = Number(process.hrtime.bigint() - t0) / 1e9;

  const worker = new BeeQueue('bench', { ...settings, getEvents: false });
  await worker.ready();
  let done = 0;
  const finished = new Promise((resolve) => {
    worker.on('succeeded', () => {
      done += 1;
      if (done === N) resolve();
    });
  });
  t0 = process.hrtime.bigint();
  worker.process(concurrency, async () => ({ ok: true }));
  await finished;
  const processS = Number(process.hrtime.bigint() - t0) / 1e9;
  await worker.close(30_000);
  await producer.close();
  return { enqueue: N / enqueueS, process: N / processS, prefix: settings.prefix };
}

async function queueCore(concurrency, tag) {
  const config = parseQueueConfig({ redisUrl: REDIS_URL, prefix: `${PREFIX}-core${tag}` });
  const client = await QueueClient.connect(config);
  let t0 = process.hrtime.bigint();
  const items = Array.from({ length: N }, (_, i) => ({ payload: { i } }));
  await client.enqueueMany(noop, items);
  const enqueueS = Number(process.hrtime.bigint() - t0) / 1e9;

  const worker = new Worker(config, { name: `bench-${tag}`, concurrency, handlers: [handle(noop, () => ({ ok: true }))] });
  let done = 0;
  const finished = new Promise((resolve) => {
    worker.on('job:finished', () => {
      done += 1;
      if (done === N) resolve();
    });
  });
  t0 = process.hrtime.bigint();
  await worker.start();
  await finished;
  const processS = Number(process.hrtime.bigint() - t0) / 1e9;
  await worker.close({ graceMs: 5_000 });
  await client.close();
  return { enqueue: N / enqueueS, process: N / processS, prefix: config.prefix };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ratio = (a, b) => (a / b).toFixed(2);

async function main() {
  const redis = new Redis(REDIS_URL);
  const rows = [];
  for (const c of LEVELS) {
    const best = { raw: { enqueue: 0, process: 0 }, core: { enqueue: 0, process: 0 } };
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const [kind, fn] of [['raw', rawBeeQueue], ['core', queueCore]]) {
        const res = await fn(c, `-c${c}-r${r}`);
        await deletePrefix(redis, res.prefix);
        best[kind].enqueue = Math.max(best[kind].enqueue, res.enqueue);
        best[kind].process = Math.max(best[kind].process, res.process);
        process.stderr.write(`c=${c} round ${r + 1} ${kind}: enqueue ${fmt(res.enqueue)}/s, process ${fmt(res.process)}/s\n`);
      }
    }
    rows.push({ c, ...best });
  }
  redis.disconnect();

  const lines = [
    `Benchmark: ${fmt(N)} no-op jobs per run, Redis ${REDIS_URL.replace(/\/\/.*@/, '//***@')}, Node ${process.version}, best of ${ROUNDS} round(s)`,
    '',
    '| concurrency | bee-queue enqueue/s | queue-core enqueue/s | ratio | bee-queue process/s | queue-core process/s | ratio |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.c} | ${fmt(r.raw.enqueue)} | ${fmt(r.core.enqueue)} | ${ratio(r.core.enqueue, r.raw.enqueue)} | ${fmt(r.raw.process)} | ${fmt(r.core.process)} | ${ratio(r.core.process, r.raw.process)} |`,
    ),
  ];
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  mkdirSync(join(__dirname, '..', 'bench-output'), { recursive: true });
  writeFileSync(join(__dirname, '..', 'bench-output', 'queue-core.md'), text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
