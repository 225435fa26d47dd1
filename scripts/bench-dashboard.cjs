#!/usr/bin/env node
// Dashboard benchmark (a script, not a test): fills a private key prefix with
// 1,000,000 jobs in the runtime's exact layout (400k waiting, 300k succeeded,
// 300k failed, plus 20k delayed and 20 active, 20 of the waiting jobs carrying
// 2 MB payloads), starts the built dashboard (apps/dashboard/dist/main.js) as a
// child process, and measures the time to a full response over loopback of each
// page and JSON twin: p50/p95 over repeated requests, plus the dashboard's RSS.
// Then, with the million jobs still there, it times live updates in Chromium:
// enqueue a job, see it on an open page (scripts/lib/bench-live.cjs).
// Prints a markdown table, writes bench-output/dashboard.md, and deletes the
// prefix's keys afterwards (SCAN + UNLINK in chunks; never FLUSHALL).
//
// Usage: npm run bench:dashboard   (REDIS_URL, default redis://127.0.0.1:6379;
//        BENCH_REQUESTS, default 50; BENCH_LIVE_CHANGES, default 40 per page, 0 skips
//        the browser; build first: npm run build; the live part needs /usr/bin/chromium)
'use strict';

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Redis } = require('ioredis');
const { deletePrefix, freePort, requireBuilt } = require('./lib/local.cjs');
const { measureLiveUpdates } = require('./lib/bench-live.cjs');

const ROOT = path.join(__dirname, '..');
const MAIN = path.join(ROOT, 'apps/dashboard/dist/main.js');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const REQUESTS = Number(process.env.BENCH_REQUESTS || 50);
const WARMUP = 5;
const PREFIX = `jobq-bench-dash-${randomBytes(3).toString('hex')}`;
const QUEUE = 'high_priority';
// BENCH_SCALE (default 1) shrinks the data set for quick runs while tuning.
const SCALE = Number(process.env.BENCH_SCALE || 1);
const COUNTS = { waiting: 400_000 * SCALE, succeeded: 300_000 * SCALE, failed: 300_000 * SCALE, delayed: 20_000 * SCALE, active: 20, huge: 20 };
const NAMES = ['email.send', 'webhook.deliver'];
const BATCH = 5_000;
const TARGET_P95_MS = 50;
const LIVE_CHANGES = Number(process.env.BENCH_LIVE_CHANGES ?? 40);
const TARGET_LIVE_MS = 500;
const SCHEDULES = 20;
const TARGET_RSS_MB = 150;
/**
 * Node flags of the second run (BENCH_LEAN_FLAGS overrides): a small young generation, GC and
 * JIT on the main thread (no per-thread malloc arenas), and an old-space cap that makes V8
 * collect before growing. 48 concurrent requests for 5 MB jobs still pass with these.
 */
const LEAN_FLAGS = (process.env.BENCH_LEAN_FLAGS || '--max-semi-space-size=2 --single-threaded --max-old-space-size=96').split(' ');

const base = `${PREFIX}:${QUEUE}:`;
const keys = {
  jobs: `${base}jobs`,
  waiting: `${base}waiting`,
  active: `${base}active`,
  delayed: `${base}delayed`,
  set: (s) => `${base}${s}`,
  index: (s) => `${base}x:idx:${s}`,
  nameIndex: (s, n) => `${base}x:idx:${s}:name:${n}`,
  run: (id) => `${base}x:run:${id}`,
  expiry: `${base}x:expiry`,
  tput: (m) => `${base}x:tput:${m}`,
  tputHour: (h) => `${base}x:tput:h:${h}`,
  queues: `${PREFIX}:x:queues`,
  workers: `${PREFIX}:x:workers`,
  worker: (n) => `${PREFIX}:x:worker:${n}`,
};

function jobJson(id, name, created, status, payload) {
  return JSON.stringify({
    data: { name, payload: payload ?? { to: `user${id}@example.com`, subject: `Order ${id} shipped`, text: `Hello, your order ${id} is on its way.` } },
    options: { timestamp: created, retries: 3, timeout: 30000, backoff: { strategy: 'exponential', delay: 1000 }, stacktraces: [], jobq: { retries: 3, keepResultSeconds: 86400, keepFailedSeconds: 604800 } },
    status,
    progress: 0,
  });
}

async function fill(redis) {
  const now = Date.now();
  let id = 0;
  const started = Date.now();
  await redis.sadd(keys.queues, QUEUE, 'low_priority');
  // Finished jobs: oldest first so ids and finish times rise together.
  for (const state of ['succeeded', 'failed']) {
    for (let done = 0; done < COUNTS[state]; done += BATCH) {
      const p = redis.pipeline();
      const jobs = [];
      const setIds = [];
      const idx = [];
      const byName = { [NAMES[0]]: [], [NAMES[1]]: [] };
      const expiry = [];
      const n = Math.min(BATCH, COUNTS[state] - done);
      for (let i = 0; i < n; i += 1) {
        id += 1;
        const name = NAMES[id % 2];
        const finished = now - 3_600_000 + Math.floor(((done + i) / COUNTS[state]) * 3_600_000);
        jobs.push(String(id), jobJson(id, name, finished - 500, state));
        setIds.push(String(id));
        idx.push(finished, String(id));
        byName[name].push(finished, String(id));
        expiry.push(finished + 86_400_000, String(id));
        const run = ['state', state, 'attempts', state === 'failed' ? 4 : 1, 'startedAt', finished - 40, 'finishedAt', finished, 'durationMs', 40, 'worker', `worker-${id % 5}`];
        if (state === 'succeeded') run.push('result', JSON.stringify({ messageId: `m-${id}`, accepted: [`user${id}@example.com`], transport: 'smtp' }));
        else run.push('error', `SMTP server said 421 for job ${id}`, 'errorCode', 'JOBQ_HANDLER_ERROR', 'stack', `Error: SMTP server said 421\n    at send (smtp.ts:10:5)\n    at handler (send-email.ts:22:9)`);
        p.hset(keys.run(String(id)), ...run);
      }
      p.hset(keys.jobs, ...jobs);
      p.sadd(keys.set(state), ...setIds);
      p.zadd(keys.index(state), ...idx);
      for (const name of NAMES) if (byName[name].length) p.zadd(keys.nameIndex(state, name), ...byName[name]);
      p.zadd(keys.expiry, ...expiry);
      await p.exec();
    }
  }
  // Per-minute throughput for the charts: every minute of the day busy (the history page's worst case).
  const tp = redis.pipeline();
  for (let m = 0; m < 1440; m += 1) {
    const minute = Math.floor(now / 60_000) - m;
    tp.hset(keys.tput(minute), 'processed', 10_000, 'failed', 5_000);
    tp.expire(keys.tput(minute), 86_400);
  }
  // Hourly history for its 30 days: per name a count, failures, summed ms and duration buckets.
  const hour = Math.floor(now / 3_600_000);
  for (let h = 0; h < 720; h += 1) {
    const fields = ['names', NAMES.length];
    for (const name of NAMES) fields.push(`c:${name}`, 20_000, `x:${name}`, 500 + h, `s:${name}`, 20_000 * 40, `d5:${name}`, 15_000, `d6:${name}`, 5_000);
    tp.hset(keys.tputHour(hour - h), ...fields);
    tp.expire(keys.tputHour(hour - h), 31 * 86_400);
  }
  await tp.exec();
  // Delayed, active, then waiting (LPUSH: the last pushed is the newest).
  for (let done = 0; done < COUNTS.delayed; done += BATCH) {
    const p = redis.pipeline();
    const jobs = [];
    const z = [];
    for (let i = 0; i < Math.min(BATCH, COUNTS.delayed - done); i += 1) {
      id += 1;
      jobs.push(String(id), jobJson(id, NAMES[id % 2], now, 'created'));
      z.push(now + 3_600_000 + id, String(id));
    }
    p.hset(keys.jobs, ...jobs).zadd(keys.delayed, ...z);
    await p.exec();
  }
  {
    const p = redis.pipeline();
    for (let i = 0; i < COUNTS.active; i += 1) {
      id += 1;
      p.hset(keys.jobs, String(id), jobJson(id, NAMES[0], now - 1000, 'created'));
      p.lpush(keys.active, String(id));
      p.hset(keys.run(String(id)), 'state', 'active', 'attempts', 1, 'startedAt', now - 500, 'worker', `worker-${i % 5}`, 'progress', JSON.stringify({ percent: 40, message: 'sending' }));
    }
    await p.exec();
  }
  const plainWaiting = COUNTS.waiting - COUNTS.huge;
  for (let done = 0; done < plainWaiting; done += BATCH) {
    const p = redis.pipeline();
    const jobs = [];
    const ids = [];
    for (let i = 0; i < Math.min(BATCH, plainWaiting - done); i += 1) {
      id += 1;
      jobs.push(String(id), jobJson(id, NAMES[id % 2], now - 1000, 'created'));
      ids.push(String(id));
    }
    p.hset(keys.jobs, ...jobs).lpush(keys.waiting, ...ids);
    await p.exec();
  }
  // The newest waiting jobs carry 2 MB payloads: page 1 measures the truncation path.
  const huge = 'x'.repeat(2 * 1024 * 1024);
  for (let i = 0; i < COUNTS.huge; i += 1) {
    id += 1;
    await redis.hset(keys.jobs, String(id), jobJson(id, NAMES[0], now, 'created', { to: 'big@example.com', subject: 'attachment', text: huge }));
    await redis.lpush(keys.waiting, String(id));
  }
  // A few live workers.
  const wp = redis.pipeline();
  for (let w = 0; w < 5; w += 1) {
    const info = {
      name: `worker-${w}`, hostname: 'bench-host', pid: 1000 + w, queues: [QUEUE, 'low_priority'], concurrency: 4, state: 'busy',
      running: [{ queue: QUEUE, id: String(id - COUNTS.huge - plainWaiting - w), name: NAMES[0], startedAt: now - 500 }],
      processed: 200_000, failed: 60_000, busyMs: 5_000_000, startedAt: now - 7_200_000, lastHeartbeat: now,
    };
    wp.set(keys.worker(info.name), JSON.stringify(info), 'PX', 3_600_000).zadd(keys.workers, now, info.name);
  }
  await wp.exec();
  return { total: id, seconds: (Date.now() - started) / 1000, lastFinishedId: COUNTS.succeeded + COUNTS.failed };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(origin, label, pathname) {
  for (let i = 0; i < WARMUP; i += 1) await get(origin + pathname);
  const times = [];
  let last;
  for (let i = 0; i < REQUESTS; i += 1) {
    last = await get(origin + pathname);
    if (last.status !== 200) throw new Error(`${pathname} answered ${last.status}`);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  return { label, path: pathname, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1], bytes: last.bytes };
}

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number((new RegExp(`${field}:\\s+(\\d+)`).exec(status) || [])[1] || 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function main() {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx build @jobq/dashboard\` first`);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    console.log(`Filling ${PREFIX} on ${REDIS_URL.replace(/:[^:@/]*@/, ':***@')} ...`);
    const filled = await fill(redis);
    await declareSchedules();
    console.log(`  ${filled.total.toLocaleString('en-US')} jobs and ${SCHEDULES} schedules written in ${filled.seconds.toFixed(1)} s`);

    // run1 as the image starts it (docker/dashboard.Dockerfile), run2 with plain `node` for
    // comparison. run2 goes first: run1's live part enqueues jobs onto waiting page 1.
    const run2 = await runDashboard([], filled, false);
    const run1 = await runDashboard(LEAN_FLAGS, filled, LIVE_CHANGES > 0);
    const rows = run1.rows;
    const { startRss, endRss, heap } = run1;
    const worst2 = Math.max(...run2.rows.map((r) => r.p95));

    const ok = (v, limit) => (v < limit ? '✓' : '✗ over target');
    const lines = [
      '# Dashboard benchmark',
      '',
      `${new Date().toISOString()} · Node ${process.version} · ${filled.total.toLocaleString('en-US')} jobs in one queue (${COUNTS.waiting.toLocaleString('en-US')} waiting of which ${COUNTS.huge} carry 2 MB payloads, ${COUNTS.succeeded.toLocaleString('en-US')} succeeded, ${COUNTS.failed.toLocaleString('en-US')} failed, ${COUNTS.delayed.toLocaleString('en-US')} delayed, ${COUNTS.active} active), 5 workers.`,
      `Time to full response over loopback, ${REQUESTS} sequential requests per page after ${WARMUP} warm-up requests, page size 20. Target p95 < ${TARGET_P95_MS} ms.`,
      `Started as the image starts it: \`node ${LEAN_FLAGS.join(' ')} apps/dashboard/dist/main.js\`.`,
      '',
      '| Page | Path | p50 (ms) | p95 (ms) | max (ms) | Size (KB) | RSS after (MB) | p95 target |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...rows.map((r) => `| ${r.label} | \`${r.path}\` | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${(r.bytes / 1024).toFixed(1)} | ${r.rssMb.toFixed(0)} | ${ok(r.p95, TARGET_P95_MS)} |`),
      '',
      `Dashboard RSS: ${startRss.rssMb.toFixed(1)} MB after start, ${endRss.rssMb.toFixed(1)} MB after the run (peak ${endRss.peakMb.toFixed(1)} MB). Target < ${TARGET_RSS_MB} MB: ${ok(endRss.peakMb, TARGET_RSS_MB)}`,
      `V8 heap at the end: ${heap}.`,
      `Same run with plain \`node apps/dashboard/dist/main.js\` (default V8 heap settings): RSS ${run2.startRss.rssMb.toFixed(1)} MB after start, ${run2.endRss.rssMb.toFixed(1)} MB after the run (peak ${run2.endRss.peakMb.toFixed(1)} MB, target ${ok(run2.endRss.peakMb, TARGET_RSS_MB)}); slowest page p95 ${worst2.toFixed(1)} ms.`,
      `Fill: ${filled.seconds.toFixed(1)} s.`,
      '',
      ...liveLines(run1.live),
    ];
    const md = lines.join('\n');
    fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench-output/dashboard.md'), md);
    console.log(`\n${md}`);
  } finally {
    await stopChild();
    agent.destroy();
    const t0 = Date.now();
    const deleted = await deletePrefix(redis, PREFIX);
    console.log(`Deleted ${deleted.toLocaleString('en-US')} keys of ${PREFIX} in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    redis.disconnect();
  }
}

let child = null;

async function stopChild() {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  child = null;
}

/** Schedules for the schedules page: `SCHEDULES` interval schedules of `email.send`, through queue-core. */
async function declareSchedules() {
  const { QueueClient, parseQueueConfig } = requireBuilt('../../libs/queue-core/dist/index.js');
  const { defineSchedule, sendEmail } = requireBuilt('../../libs/job-defs/dist/index.js');
  const client = await QueueClient.connect(parseQueueConfig({ redisUrl: REDIS_URL, prefix: PREFIX }));
  try {
    for (let i = 0; i < SCHEDULES; i += 1) {
      await client.schedules.upsert(
        defineSchedule(sendEmail, {
          name: `digest-${String(i).padStart(2, '0')}`,
          every: 3_600_000 + i * 60_000,
          payload: { to: `team${i}@example.com`, subject: `Digest ${i}`, text: 'The hourly digest.' },
          description: `Hourly digest number ${i}`,
        }),
      );
    }
  } finally {
    await client.close();
  }
}

/** The live-update section of the report (none when the browser part was skipped). */
function liveLines(live) {
  if (!live) return [`Live updates: not measured (BENCH_LIVE_CHANGES=0).`, ''];
  const ok = live.every((r) => r.max <= TARGET_LIVE_MS) ? '✓' : '✗ over target';
  return [
    `Live updates with the million jobs stored, in Chromium (playwright-core, /usr/bin/chromium): ${LIVE_CHANGES} jobs enqueued per page through queue-core at random 300-700 ms gaps; time from just before the enqueue call to the change being in the open page's DOM (a MutationObserver's timestamp). Target: every change within ${TARGET_LIVE_MS} ms: ${ok}`,
    '',
    '| Open page | Path | changes | p50 (ms) | p95 (ms) | max (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...live.map((r) => `| ${r.label} | \`${r.path}\` | ${r.n} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} |`),
    '',
  ];
}

/** Starts the built dashboard with `nodeFlags`, measures every page (and, with `live`, live updates), stops it. */
async function runDashboard(nodeFlags, filled, live) {
  {
    const port = await freePort();
    console.log(`Dashboard: node ${[...nodeFlags, path.relative(ROOT, MAIN)].join(' ')}`);
    child = spawn(process.execPath, [...nodeFlags, MAIN], {
      env: { ...process.env, PORT: String(port), DASHBOARD_HOST: '127.0.0.1', REDIS_URL, JOBQ_PREFIX: PREFIX, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i += 1) {
      try {
        if ((await get(`${origin}/healthz`)).status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (i > 200) throw new Error('the dashboard did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    const startRss = rssOf(child.pid);

    const q = `/queues/${QUEUE}`;
    const deep = 2000;
    const pages = [
      ['Overview', '/'],
      ['Overview (JSON)', '/api/overview'],
      ['Waiting, page 1 (20 x 2 MB payloads)', `${q}?state=waiting`],
      ['Waiting, page 2,000', `${q}?state=waiting&page=${deep}`],
      ['Waiting, page 2,000 (JSON)', `/api${q}?state=waiting&page=${deep}`],
      ['Waiting, last page (20,000)', `${q}?state=waiting&page=20000`],
      ['Active, page 1', `${q}?state=active`],
      ['Delayed, page 1', `${q}?state=delayed`],
      ['Delayed, page 1,000 (last)', `${q}?state=delayed&page=1000`],
      ['Succeeded, page 1', `${q}?state=succeeded`],
      ['Succeeded, page 2,000', `${q}?state=succeeded&page=${deep}`],
      ['Succeeded, page 2,000 (JSON)', `/api${q}?state=succeeded&page=${deep}`],
      ['Failed, page 1', `${q}?state=failed`],
      ['Failed, page 2,000', `${q}?state=failed&page=${deep}`],
      ['Failed, page 2,000 (JSON)', `/api${q}?state=failed&page=${deep}`],
      ['Failed by name, page 2,000', `${q}?state=failed&name=webhook.deliver&page=${deep}`],
      ['Waiting by name (bounded scan of 2,000)', `${q}?state=waiting&name=webhook.deliver`],
      ['Job detail (failed)', `${q}/jobs/${COUNTS.succeeded + 1234}`],
      ['Job detail (JSON)', `/api${q}/jobs/${COUNTS.succeeded + 1234}`],
      ['Find by id', `/search?id=${COUNTS.succeeded + 1234}`],
      ['Workers', '/workers'],
      ['Workers (JSON)', '/api/workers'],
      ['Metrics', '/metrics'],
      ['Canceled, page 1', `${q}?state=canceled`],
      ['Deferred, page 1', `${q}?state=deferred`],
      ['History, 24 hours by minute', `${q}/history`],
      ['History, 30 days by hour', `${q}/history?range=month`],
      ['History, 30 days by hour (JSON)', `/api${q}/history?range=month`],
      [`Schedules (${SCHEDULES})`, '/schedules'],
      ['Schedules (JSON)', '/api/schedules'],
      ['Enqueue forms', '/enqueue'],
    ];
    const rows = [];
    for (const [label, p] of pages) {
      const r = p.startsWith('/search') ? await measureRedirect(origin, label, p) : await measure(origin, label, p);
      r.rssMb = rssOf(child.pid).rssMb;
      rows.push(r);
      console.log(`  ${label.padEnd(42)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  ${(r.bytes / 1024).toFixed(1)} KB  RSS ${r.rssMb.toFixed(0)} MB`);
    }
    const endRss = rssOf(child.pid);
    const heap = await heapOf(origin);
    const liveRows = live
      ? await measureLiveUpdates({ origin, redisUrl: REDIS_URL, prefix: PREFIX, queue: QUEUE, changes: LIVE_CHANGES, waitingBefore: COUNTS.waiting, log: console.log })
      : null;
    await stopChild();
    return { rows, startRss, endRss, heap, live: liveRows };
  }
}

/** Heap figures from the dashboard's own /metrics (prom-client default metrics). */
async function heapOf(origin) {
  const body = await new Promise((resolve, reject) => {
    http.get(`${origin}/metrics`, { agent }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  const mb = (name) => {
    const m = new RegExp(`^jobq_dashboard_${name} (\\S+)$`, 'm').exec(body);
    return m ? `${(Number(m[1]) / 1048576).toFixed(1)} MB` : '?';
  };
  return `used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')}, external ${mb('nodejs_external_memory_bytes')}`;
}

/** Find-by-id answers with a redirect; measure that answer. */
async function measureRedirect(origin, label, pathname) {
  const times = [];
  let last;
  for (let i = 0; i < WARMUP + REQUESTS; i += 1) {
    last = await get(origin + pathname);
    if (last.status !== 302) throw new Error(`${pathname} answered ${last.status}`);
    if (i >= WARMUP) times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  return { label, path: pathname, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1], bytes: last.bytes };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
