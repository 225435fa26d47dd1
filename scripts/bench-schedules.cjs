#!/usr/bin/env node
// Schedules benchmark (issue 10): how close to its due time a scheduled run
// starts, and what 1,000 declared schedules cost an idle system.
//
//   npx nx run-many -t build -p job-defs queue-core && npm run bench:schedules
//   node scripts/bench-schedules.cjs --help
//
// Method:
// - A private redis-server (no persistence) on 127.0.0.1:<free port>, stopped at
//   the end, so other load neither skews timings nor pollutes INFO commandstats.
// - Fire error: N interval schedules (every 1 s) and one worker (concurrency N) in
//   this process. Each handler notes its start (performance.timeOrigin +
//   performance.now()) minus the run's due time (ctx.schedule.dueAt). "spread":
//   the schedules' due times are 1000/N ms apart; "aligned": all N are due at the
//   same instant (a burst of N jobs every second).
// - Idle cost: 1,000 cron schedules (`0 2 * * *`, none due in the window) and one
//   idle worker; Redis commands over the window from INFO commandstats (script
//   calls count as their EVALSHA plus every command the script runs).
const { parseArgs } = require('node:util');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const { Redis } = require('ioredis');
const { startRedisServer } = require('./lib/bench-redis.cjs');
const { summarize } = require('./lib/bench-stats.cjs');
const { defineJob, defineSchedule, z } = require('../libs/job-defs/dist/index.js');
const { QueueClient, Worker, handle, parseQueueConfig } = require('../libs/queue-core/dist/index.js');

const HELP = `Usage: node scripts/bench-schedules.cjs [options]   (or: npm run bench:schedules -- [options])

  --schedules N        every-second schedules of the fire-error runs (default 50)
  --fire-seconds N     seconds per fire-error run (default 10)
  --idle-schedules N   schedules declared for the idle cost (default 1000)
  --idle-seconds N     measured idle window (default 30)
  --out NAME           file under bench-output/ (default schedules.md)
  --help               this text
`;

const { values: args } = parseArgs({
  options: {
    schedules: { type: 'string', default: '50' },
    'fire-seconds': { type: 'string', default: '10' },
    'idle-schedules': { type: 'string', default: '1000' },
    'idle-seconds': { type: 'string', default: '30' },
    out: { type: 'string', default: 'schedules.md' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return n;
};
const N = int('schedules');
const FIRE_S = int('fire-seconds');
const IDLE_N = int('idle-schedules');
const IDLE_S = int('idle-seconds');

const tick = defineJob({
  name: 'bench.tick',
  queue: 'bench_sched',
  description: 'Scheduled no-op',
  payload: z.object({ i: z.number().int() }),
  result: z.object({}),
  defaults: { retries: 0, timeoutMs: 10_000, keepResultSeconds: 60 },
});
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x) => Math.round(x * 100) / 100;

async function fireError(url, mode) {
  const config = parseQueueConfig({ redisUrl: url, prefix: `bs-fire-${mode}` });
  const errors = [];
  let measuring = false;
  const worker = new Worker(config, {
    name: `bench-${mode}`,
    concurrency: N,
    handlers: [
      handle(tick, (_p, ctx) => {
        if (measuring && ctx.schedule && !ctx.schedule.manual) errors.push(wall() - ctx.schedule.dueAt);
        return {};
      }),
    ],
  });
  await worker.start();
  const client = await QueueClient.connect(config);
  const base = Math.ceil(Date.now() / 1000) * 1000 + 2_000;
  for (let i = 0; i < N; i += 1) {
    const startAt = mode === 'spread' ? base + Math.floor((i * 1000) / N) : base;
    await client.schedules.upsert(defineSchedule(tick, { name: `s${i}`, every: 1_000, startAt, payload: { i } }));
  }
  await sleep(base - Date.now() + 1_000); // warm-up second
  measuring = true;
  await sleep(FIRE_S * 1_000);
  measuring = false;
  for (let i = 0; i < N; i += 1) await client.schedules.remove(`s${i}`);
  await client.close();
  await worker.close({ graceMs: 2_000 });
  return { mode, fires: errors.length, expected: N * FIRE_S, ...summarize(errors) };
}

async function commandstats(redis) {
  const text = await redis.info('commandstats');
  const out = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

async function idleCost(url, count) {
  const config = parseQueueConfig({ redisUrl: url, prefix: `bs-idle-${count}` });
  const client = await QueueClient.connect(config);
  const declared = Date.now();
  for (let i = 0; i < count; i += 1) {
    await client.schedules.upsert(defineSchedule(tick, { name: `n${i}`, cron: '0 2 * * *', tz: 'UTC', payload: { i } }));
  }
  const declareMs = Date.now() - declared;
  await client.close();
  const worker = new Worker(config, { name: `bench-idle-${count}`, handlers: [handle(tick, () => ({}))] });
  await worker.start();
  await sleep(2_000);
  const redis = new Redis(url);
  const before = await commandstats(redis);
  await sleep(IDLE_S * 1_000);
  const after = await commandstats(redis);
  redis.disconnect();
  await worker.close({ graceMs: 1_000 });
  const delta = {};
  let total = 0;
  for (const [cmd, n] of Object.entries(after)) {
    const d = n - (before[cmd] ?? 0) - (cmd === 'info' ? 1 : 0);
    if (d > 0) {
      delta[cmd] = d;
      total += d;
    }
  }
  return { schedules: count, declareMs, seconds: IDLE_S, total, perSecond: round(total / IDLE_S), byCommand: delta };
}

async function main() {
  const server = await startRedisServer();
  try {
    process.stderr.write(`redis-server ${server.version} on ${server.url}\n`);
    const fires = [];
    for (const mode of ['spread', 'aligned']) {
      process.stderr.write(`fire error (${mode}): ${N} schedules, ${FIRE_S} s...\n`);
      fires.push(await fireError(server.url, mode));
    }
    process.stderr.write(`idle cost: no schedules, then ${IDLE_N} schedules, ${IDLE_S} s each...\n`);
    const baseline = await idleCost(server.url, 0);
    const idle = await idleCost(server.url, IDLE_N);
    const lines = [
      '# Schedules benchmark',
      '',
      `${new Date().toISOString()} · node ${process.version} · redis ${server.version} (private, no persistence) · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      '',
      `## Fire error (handler start − due time), ${N} every-second schedules, ${FIRE_S} s`,
      '',
      '| due times | runs (expected) | p50 ms | p99 ms | min ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...fires.map((f) => `| ${f.mode === 'spread' ? `spread (${round(1000 / N)} ms apart)` : `aligned (${N} at once)`} | ${f.fires} (${f.expected}) | ${round(f.p50)} | ${round(f.p99)} | ${round(f.min)} | ${round(f.max)} |`),
      '',
      `## Idle cost: ${idle.schedules} schedules declared, one idle worker, ${idle.seconds} s`,
      '',
      `Declaring them took ${idle.declareMs} ms (one upsert call each, one after the other). Redis commands in the window, against the same idle worker with no schedule at all:`,
      '',
      '| schedules | commands | per second |',
      '| ---: | ---: | ---: |',
      `| 0 | ${baseline.total} | ${baseline.perSecond} |`,
      `| ${idle.schedules} | ${idle.total} | ${idle.perSecond} |`,
      '',
      `Commands with ${idle.schedules} schedules (0 schedules in brackets):`,
      '',
      '| command | calls |',
      '| --- | ---: |',
      ...Object.entries(idle.byCommand)
        .sort((a, b) => b[1] - a[1])
        .map(([cmd, n]) => `| ${cmd} | ${n} (${baseline.byCommand[cmd] ?? 0}) |`),
      '',
    ];
    const dir = join(__dirname, '..', 'bench-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, args.out), lines.join('\n'));
    writeFileSync(join(dir, args.out.replace(/\.md$/, '.json')), JSON.stringify({ fires, baseline, idle }, null, 2));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
