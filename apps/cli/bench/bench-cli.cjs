#!/usr/bin/env node
// CLI benchmark (a script, not a test): fills a private key prefix with
// 1,000,000 jobs in the runtime's key layout (400k waiting, 300k succeeded,
// 300k failed, 20k delayed, 5 workers; the same shape as bench:dashboard), then
// runs the built `jobq` (apps/cli/dist/main.js) as a child process for each
// command and reports wall time per run (p50 / max over BENCH_RUNS, default 10),
// including Node's start-up, which `jobq --version` measures on its own.
// Prints a markdown table, writes bench-output/cli.md, and deletes the prefix's
// keys afterwards (SCAN + UNLINK; never FLUSHALL).
//
// Usage: npx nx build @jobq/cli && node apps/cli/bench/bench-cli.cjs
//        (REDIS_URL, default redis://127.0.0.1:6379; BENCH_SCALE shrinks the data)
'use strict';

const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Redis } = require('ioredis');

const ROOT = path.join(__dirname, '..', '..', '..');
const MAIN = path.join(__dirname, '..', 'dist', 'main.js');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS || 10);
const SCALE = Number(process.env.BENCH_SCALE || 1);
const PREFIX = `jobq-bench-cli-${randomBytes(3).toString('hex')}`;
const QUEUE = 'high_priority';
const COUNTS = { waiting: 400_000 * SCALE, succeeded: 300_000 * SCALE, failed: 300_000 * SCALE, delayed: 20_000 * SCALE };
const NAMES = ['email.send', 'webhook.deliver'];
const BATCH = 5_000;

const base = `${PREFIX}:${QUEUE}:`;
const k = {
  jobs: `${base}jobs`,
  waiting: `${base}waiting`,
  delayed: `${base}delayed`,
  set: (s) => `${base}${s}`,
  index: (s) => `${base}x:idx:${s}`,
  nameIndex: (s, n) => `${base}x:idx:${s}:name:${n}`,
  run: (id) => `${base}x:run:${id}`,
  queues: `${PREFIX}:x:queues`,
  workers: `${PREFIX}:x:workers`,
  worker: (n) => `${PREFIX}:x:worker:${n}`,
};

function jobJson(id, name, created, status) {
  return JSON.stringify({
    data: { name, payload: { to: `user${id}@example.com`, subject: `Order ${id} shipped`, text: `Hello, your order ${id} is on its way.` } },
    options: { timestamp: created, retries: 3, timeout: 30000, stacktraces: [], jobq: { retries: 3, keepResultSeconds: 86400, keepFailedSeconds: 604800 } },
    status,
    progress: 0,
  });
}

async function fill(redis) {
  const now = Date.now();
  let id = 0;
  await redis.sadd(k.queues, QUEUE, 'low_priority');
  for (const state of ['succeeded', 'failed']) {
    for (let done = 0; done < COUNTS[state]; done += BATCH) {
      const p = redis.pipeline();
      const jobs = [];
      const ids = [];
      const idx = [];
      const byName = { [NAMES[0]]: [], [NAMES[1]]: [] };
      for (let i = 0; i < Math.min(BATCH, COUNTS[state] - done); i += 1) {
        id += 1;
        const name = NAMES[id % 2];
        const finished = now - 3_600_000 + Math.floor(((done + i) / COUNTS[state]) * 3_600_000);
        jobs.push(String(id), jobJson(id, name, finished - 500, state));
        ids.push(String(id));
        idx.push(finished, String(id));
        byName[name].push(finished, String(id));
        const run = ['state', state, 'attempts', state === 'failed' ? 4 : 1, 'startedAt', finished - 40, 'finishedAt', finished, 'durationMs', 40, 'worker', `worker-${id % 5}`];
        if (state === 'succeeded') run.push('result', JSON.stringify({ messageId: `m-${id}` }));
        else run.push('error', `SMTP server said 421 for job ${id}`, 'errorCode', 'JOBQ_HANDLER_ERROR', 'stack', 'Error: SMTP server said 421\n    at send (smtp.ts:10:5)');
        p.hset(k.run(String(id)), ...run);
      }
      p.hset(k.jobs, ...jobs).sadd(k.set(state), ...ids).zadd(k.index(state), ...idx);
      for (const name of NAMES) if (byName[name].length) p.zadd(k.nameIndex(state, name), ...byName[name]);
      await p.exec();
    }
  }
  for (let done = 0; done < COUNTS.delayed; done += BATCH) {
    const p = redis.pipeline();
    const jobs = [];
    const z = [];
    for (let i = 0; i < Math.min(BATCH, COUNTS.delayed - done); i += 1) {
      id += 1;
      jobs.push(String(id), jobJson(id, NAMES[id % 2], now, 'created'));
      z.push(now + 3_600_000 + id, String(id));
    }
    await p.hset(k.jobs, ...jobs).zadd(k.delayed, ...z).exec();
  }
  for (let done = 0; done < COUNTS.waiting; done += BATCH) {
    const jobs = [];
    const ids = [];
    for (let i = 0; i < Math.min(BATCH, COUNTS.waiting - done); i += 1) {
      id += 1;
      jobs.push(String(id), jobJson(id, NAMES[id % 2], now - 1000, 'created'));
      ids.push(String(id));
    }
    await redis.pipeline().hset(k.jobs, ...jobs).lpush(k.waiting, ...ids).exec();
  }
  const wp = redis.pipeline();
  for (let w = 0; w < 5; w += 1) {
    const info = { name: `worker-${w}`, hostname: 'bench-host', pid: 1000 + w, queues: [QUEUE, 'low_priority'], concurrency: 4, state: 'idle', running: [], processed: 1, failed: 0, busyMs: 1, startedAt: now, lastHeartbeat: now };
    wp.set(k.worker(info.name), JSON.stringify(info), 'PX', 3_600_000).zadd(k.workers, now, info.name);
  }
  await wp.exec();
  return id;
}

function run(args) {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, REDIS_URL, JOBQ_PREFIX: PREFIX }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(new Error(`jobq ${args.join(' ')} failed: ${err.message}`));
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: Buffer.byteLength(stdout) });
    });
  });
}

async function deletePrefix(redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function main() {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: npx nx build @jobq/cli`);
  const redis = new Redis(REDIS_URL);
  try {
    const t0 = Date.now();
    const total = await fill(redis);
    console.log(`filled ${total.toLocaleString('en-US')} jobs under ${PREFIX} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const lastWaiting = Math.ceil(COUNTS.waiting / 20);
    const cases = [
      ['Node start-up only', ['--version']],
      ['info', ['info']],
      ['info --json', ['info', '--json']],
      ['workers', ['workers']],
      ['jobs waiting, page 1', ['jobs', QUEUE]],
      ['jobs waiting, page 2,000', ['jobs', QUEUE, '--page', '2000']],
      [`jobs waiting, last page (${lastWaiting.toLocaleString('en-US')})`, ['jobs', QUEUE, '--page', String(lastWaiting)]],
      ['jobs failed, page 2,000 --json', ['jobs', QUEUE, '--state', 'failed', '--page', '2000', '--json']],
      ['jobs succeeded, page 1, --limit 200', ['jobs', QUEUE, '--state', 'succeeded', '--limit', '200']],
      ['jobs failed --name webhook.deliver, page 2,000', ['jobs', QUEUE, '--state', 'failed', '--name', 'webhook.deliver', '--page', '2000']],
      ['jobs waiting --name (bounded scan)', ['jobs', QUEUE, '--name', 'webhook.deliver']],
      ['jobs delayed, page 1', ['jobs', QUEUE, '--state', 'delayed']],
      ['job (failed)', ['job', QUEUE, String(COUNTS.succeeded + 1234)]],
    ];
    const rows = [];
    for (const [label, args] of cases) {
      await run(args);
      const times = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i += 1) {
        const r = await run(args);
        times.push(r.ms);
        bytes = r.bytes;
      }
      times.sort((a, b) => a - b);
      const row = `| ${label} | \`jobq ${args.join(' ')}\` | ${times[Math.floor(times.length / 2)].toFixed(0)} | ${times[times.length - 1].toFixed(0)} | ${(bytes / 1024).toFixed(1)} |`;
      console.log(row);
      rows.push(row);
    }
    const table = [
      `${total.toLocaleString('en-US')} jobs in one queue; wall time of one \`jobq\` process, ${RUNS} runs after a warm-up (Node start-up included).`,
      '',
      '| case | command | p50 (ms) | max (ms) | output (KB) |',
      '| --- | --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
    fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench-output', 'cli.md'), `${table}\n`);
    console.log(`\n${table}`);
  } finally {
    await deletePrefix(redis);
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
