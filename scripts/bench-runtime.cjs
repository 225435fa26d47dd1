#!/usr/bin/env node
// Runtime benchmark for issue 8: jobq (queue-core's public API from the built
// libs) vs raw bee-queue 2.0 vs BullMQ, side by side in one run.
//
//   npm run build && npm run bench
//   npm run bench -- --only latency,result --rounds 5
//   node scripts/bench-runtime.cjs --help
//
// Method (details in the README's Benchmarks section):
// - A private redis-server (no persistence) on 127.0.0.1:<free port> for the whole
//   run, so other load on the shared Redis neither skews timings nor pollutes
//   INFO commandstats; stopped at the end. Each system and step gets its own key
//   prefix, deleted with SCAN + UNLINK after the step (never FLUSHALL).
// - Producers run in this process, workers in child processes (same host).
//   Timestamps: performance.timeOrigin + performance.now() (sub-ms wall clock) on
//   both sides; delayed jobs compare the handler's Date.now() with the due time.
// - Systems are interleaved round by round (the order rotates each round, and
//   every system gets the same random schedule in a round); tables show the
//   median over rounds.
// - bee-queue runs with removeOnSuccess: true, BullMQ with removeOnComplete: true;
//   every system is counted by handler calls.
const { parseArgs } = require('node:util');
const { mkdirSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const { Redis } = require('ioredis');
const { deletePrefix } = require('./lib/local.cjs');
const { startRedisServer } = require('./lib/bench-redis.cjs');
const { startFleet } = require('./lib/bench-procs.cjs');
const { SYSTEMS, LABELS, now, openProducer } = require('./lib/bench-systems.cjs');
const { summarize, rng, ms, int } = require('./lib/bench-stats.cjs');
const { buildReport } = require('./lib/bench-report.cjs');

const MEASUREMENTS = ['latency', 'steady', 'result', 'delayed', 'idle', 'throughput'];

const HELP = `Usage: node scripts/bench-runtime.cjs [options]   (or: npm run bench -- [options])

Compares jobq (built libs), raw bee-queue and BullMQ on a private redis-server.

  --only LIST             measurements to run, comma-separated (default: all):
                          ${MEASUREMENTS.join(', ')}
  --systems LIST          systems to compare (default: ${SYSTEMS.join(',')})
  --rounds N              rounds per timed measurement, medians reported (default 3)
  --seed N                seed of the random gaps and delays (default 1)
  --latency-jobs N        single enqueues per round, idle latency (default 300)
  --steady-rate N         jobs/s of the steady-load latency run (default 1000)
  --steady-seconds N      seconds of steady load per round (default 3)
  --result-jobs N         jobs per round, result latency (default 100)
  --delayed-jobs N        delayed jobs per round (default 100)
  --idle-seconds N        measured idle window (default 30)
  --throughput-jobs N     jobs per throughput run (default 20000)
  --concurrency LIST      one-process throughput concurrencies (default 10,100)
  --out NAME              file name under bench-output/ (default runtime.md; .json beside it)
  --cpu-prof              worker processes write V8 CPU profiles to bench-output/cpu-profiles/
  --help                  this text
`;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: MEASUREMENTS.join(',') },
    systems: { type: 'string', default: SYSTEMS.join(',') },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'latency-jobs': { type: 'string', default: '300' },
    'steady-rate': { type: 'string', default: '1000' },
    'steady-seconds': { type: 'string', default: '3' },
    'result-jobs': { type: 'string', default: '100' },
    'delayed-jobs': { type: 'string', default: '100' },
    'idle-seconds': { type: 'string', default: '30' },
    'throughput-jobs': { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '10,100' },
    out: { type: 'string', default: 'runtime.md' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function positiveInt(name) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a whole number >= 1 (got "${args[name]}")\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}
function list(name, allowed) {
  const items = args[name].split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s));
  if (bad.length || items.length === 0) {
    process.stderr.write(`--${name}: unknown ${bad.join(', ') || '(empty)'}; choose from ${allowed.join(', ')}\n\n${HELP}`);
    process.exit(2);
  }
  return allowed.filter((s) => items.includes(s));
}

const ONLY = list('only', MEASUREMENTS);
const SYS = list('systems', SYSTEMS);
const ROUNDS = positiveInt('rounds');
const SEED = Number(args.seed) | 0;
const LATENCY_JOBS = positiveInt('latency-jobs');
const STEADY_RATE = positiveInt('steady-rate');
const STEADY_SECONDS = positiveInt('steady-seconds');
const RESULT_JOBS = positiveInt('result-jobs');
const DELAYED_JOBS = positiveInt('delayed-jobs');
const IDLE_SECONDS = positiveInt('idle-seconds');
const TP_JOBS = positiveInt('throughput-jobs');
const TP_LEVELS = args.concurrency.split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--concurrency: "${s}" is not a whole number >= 1\n`);
    process.exit(2);
  }
  return n;
});

// Fixed shapes from issue 8.
const WARMUP_JOBS = 5;
const SETTLE_MS = 500;
const STEADY_FLEET = { processes: 5, workers: 1, concurrency: 4 };
const IDLE_FLEET = { processes: 5, workers: 3, concurrency: 4 };
const IDLE_SETTLE_MS = 3_000;
const TP_MULTI = { processes: 5, workers: 1, concurrency: 4 };
const BATCH = 1000;

const CPU_PROF_DIR = args['cpu-prof'] ? join(__dirname, '..', 'bench-output', 'cpu-profiles') : null;
/** startFleet, with CPU profiles when --cpu-prof is given. */
const fleetOf = (opts) => startFleet({ ...opts, cpuProfDir: CPU_PROF_DIR });

const sleep = (ms_) => new Promise((r) => setTimeout(r, ms_));
const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const between = (rand, lo, hi) => lo + rand() * (hi - lo);

let redisUrl;
let admin;

/** Rounds × systems, the order rotating each round. */
async function interleave(name, fn) {
  const perSystem = Object.fromEntries(SYS.map((s) => [s, []]));
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = SYS.map((_, i) => SYS[(i + r) % SYS.length]);
    for (const system of order) {
      const prefix = `bench-${system}-${name}-r${r}`;
      const t0 = Date.now();
      try {
        perSystem[system].push(await fn(system, r, prefix));
      } catch (err) {
        log(`${name} round ${r + 1} ${LABELS[system]} FAILED: ${err.stack || err}`);
        perSystem[system].push(null);
      } finally {
        await deletePrefix(admin, prefix);
      }
      log(`${name} round ${r + 1}/${ROUNDS} ${LABELS[system]}: ${describe(perSystem[system].at(-1))} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  return perSystem;
}

function describe(res) {
  if (!res) return 'failed';
  if (res.rate !== undefined) return `${int(res.rate)} jobs/s`;
  const parts = [`p50 ${ms(res.p50)} ms`, `p99 ${ms(res.p99)} ms`, `min ${ms(res.min)}`, `max ${ms(res.max)} ms`, `n=${res.n}`];
  if (res.lost) parts.push(`LOST ${res.lost}`);
  if (res.achievedRate) parts.push(`sent ${int(res.achievedRate)}/s`);
  return parts.join(', ');
}

/** Waits for the fleet to have `n` handler calls, then returns the samples. */
async function drain(fleet, n, timeoutMs) {
  const s = await fleet.waitForCount(n, timeoutMs).catch((err) => ({ error: err }));
  const samples = await fleet.collect();
  return { samples, lost: s.error ? n - (await fleet.stats()).count : 0 };
}

// 1. enqueue -> handler start, one idle worker, single enqueues at random 20-200 ms gaps.
async function latencyIdle(system, round, prefix) {
  const fleet = await fleetOf({ system, url: redisUrl, prefix, mode: 'latency' });
  const producer = await openProducer(system, { url: redisUrl, prefix });
  try {
    await fleet.start();
    await sleep(SETTLE_MS);
    for (let i = 0; i < WARMUP_JOBS; i += 1) {
      await sleep(50);
      await producer.enqueue({ t: now() });
    }
    await drain(fleet, WARMUP_JOBS, 10_000);
    const rand = rng(SEED * 1000 + round * 10 + 1);
    for (let i = 0; i < LATENCY_JOBS; i += 1) {
      await sleep(between(rand, 20, 200));
      await producer.enqueue({ t: now() });
    }
    const { samples, lost } = await drain(fleet, WARMUP_JOBS + LATENCY_JOBS, 15_000);
    return { ...summarize(samples), lost };
  } finally {
    await producer.close();
    await fleet.close();
  }
}

/** Sends `count` single enqueues at `rate`/s (not waiting for one before the next); returns the rate achieved. */
async function sendSteady(producer, count, rate) {
  const inflight = new Set();
  let errors = 0;
  const t0 = now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((now() - t0) * rate) / 1000) + 1);
    while (sent < due) {
      const p = producer.enqueue({ t: now() }).catch(() => (errors += 1));
      inflight.add(p);
      p.finally(() => inflight.delete(p));
      sent += 1;
    }
    await sleep(1);
  }
  const elapsed = now() - t0;
  await Promise.all(inflight);
  if (errors) throw new Error(`${errors} enqueue(s) failed`);
  return (count / elapsed) * 1000;
}

// 2. enqueue -> handler start at a steady rate, 5 worker processes x concurrency 4.
async function latencySteady(system, round, prefix) {
  const fleet = await fleetOf({ system, url: redisUrl, prefix, mode: 'latency', ...STEADY_FLEET });
  const producer = await openProducer(system, { url: redisUrl, prefix });
  try {
    await fleet.start();
    await sleep(SETTLE_MS);
    const warm = Math.ceil(STEADY_RATE / 2);
    await sendSteady(producer, warm, STEADY_RATE);
    await drain(fleet, warm, 15_000);
    const n = STEADY_RATE * STEADY_SECONDS;
    const achievedRate = await sendSteady(producer, n, STEADY_RATE);
    const { samples, lost } = await drain(fleet, warm + n, 30_000);
    return { ...summarize(samples), lost, achievedRate };
  } finally {
    await producer.close();
    await fleet.close();
  }
}

// 3. handler finished -> result known to the producer.
async function resultLatency(system, round, prefix) {
  const fleet = await fleetOf({ system, url: redisUrl, prefix, mode: 'result' });
  const producer = await openProducer(system, { url: redisUrl, prefix, results: true });
  const samples = [];
  let lost = 0;
  try {
    await fleet.start();
    await sleep(SETTLE_MS);
    const rand = rng(SEED * 1000 + round * 10 + 3);
    for (let i = 0; i < WARMUP_JOBS + RESULT_JOBS; i += 1) {
      await sleep(between(rand, 10, 50));
      const h = await producer.enqueue({ t: now() });
      try {
        const r = await producer.waitResult(h, 10_000);
        const known = now();
        if (i >= WARMUP_JOBS) samples.push(known - r.doneAt);
      } catch (err) {
        lost += 1;
        log(`${LABELS[system]} result: ${err.message}`);
      }
    }
    return { ...summarize(samples), lost };
  } finally {
    await producer.close();
    await fleet.close();
  }
}

// 4. delayed job start error (start - due), delays 50-500 ms, idle system.
async function delayedStart(system, round, prefix) {
  const fleet = await fleetOf({ system, url: redisUrl, prefix, mode: 'delayed' });
  const producer = await openProducer(system, { url: redisUrl, prefix });
  try {
    await fleet.start();
    await sleep(SETTLE_MS);
    for (let i = 0; i < WARMUP_JOBS; i += 1) {
      const due = Date.now() + 50;
      await producer.enqueue({ t: due }, { runAt: due });
      await sleep(30);
    }
    await drain(fleet, WARMUP_JOBS, 10_000);
    const rand = rng(SEED * 1000 + round * 10 + 4);
    for (let i = 0; i < DELAYED_JOBS; i += 1) {
      await sleep(between(rand, 10, 60));
      const due = Date.now() + Math.round(between(rand, 50, 500));
      await producer.enqueue({ t: due }, { runAt: due });
    }
    const { samples, lost } = await drain(fleet, WARMUP_JOBS + DELAYED_JOBS, 15_000);
    return { ...summarize(samples), lost, early: samples.filter((x) => x < 0).length };
  } finally {
    await producer.close();
    await fleet.close();
  }
}

async function commandstats(redis) {
  const text = await redis.info('commandstats');
  const out = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** Calls per command between two commandstats snapshots, without the INFO that took the second. */
function diffStats(before, after) {
  const delta = {};
  for (const [cmd, n] of Object.entries(after)) {
    const d = n - (before[cmd] ?? 0) - (cmd === 'info' ? 1 : 0);
    if (d > 0) delta[cmd] = d;
  }
  return delta;
}

// 5. idle cost: 15 idle workers (5 processes x 3 workers), Redis commands over a window.
// Each system gets a redis-server of its own and the three run at the same time,
// so the counts are exactly that system's (INFO commandstats, including the
// commands scripts run) and MONITOR tells top-level commands from script calls.
async function idleCost() {
  const res = {};
  await Promise.all(
    SYS.map(async (system) => {
      const server = await startRedisServer();
      const prefix = `bench-${system}-idle`;
      let fleet = null;
      try {
        fleet = await fleetOf({ system, url: server.url, prefix, mode: 'idle', ...IDLE_FLEET });
        await fleet.start();
        await sleep(IDLE_SETTLE_MS);
        const probe = new Redis(server.url);
        probe.on('error', (err) => log(`idle ${LABELS[system]} probe: ${err.message}`));
        const monitor = await probe.monitor();
        // Lines still in flight when the monitor disconnects surface as errors: ignore them.
        monitor.on('error', () => {});
        let topLevel = 0;
        let inScripts = 0;
        monitor.on('monitor', (_time, argv, source) => {
          if (source === 'lua') inScripts += 1;
          else if (String(argv[0]).toLowerCase() !== 'info') topLevel += 1;
        });
        const clients = Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))[1]) - 2;
        const before = await commandstats(probe);
        await sleep(IDLE_SECONDS * 1000);
        const delta = diffStats(before, await commandstats(probe));
        monitor.removeAllListeners('monitor');
        monitor.disconnect();
        probe.disconnect();
        const total = Object.values(delta).reduce((a, b) => a + b, 0);
        const workers = IDLE_FLEET.processes * IDLE_FLEET.workers;
        res[system] = {
          perWorker: total / IDLE_SECONDS / workers,
          total: total / IDLE_SECONDS,
          topLevelPerWorker: topLevel / IDLE_SECONDS / workers,
          inScriptsPerWorker: inScripts / IDLE_SECONDS / workers,
          connections: clients,
          top: Object.entries(delta)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5)
            .map(([cmd, n]) => `${cmd} ${(n / IDLE_SECONDS).toFixed(1)}/s`),
        };
        log(`idle ${LABELS[system]}: ${res[system].perWorker.toFixed(2)} commands/s per worker (${res[system].top.join(', ')})`);
      } finally {
        await fleet?.close();
        await server.stop();
      }
    }),
  );
  return res;
}

// 6. processing throughput: bulk enqueue first, then time first to last handler call.
function throughput(level) {
  return async (system, round, prefix) => {
    const fleet = await fleetOf({ system, url: redisUrl, prefix, mode: 'count', ...level });
    try {
      const producer = await openProducer(system, { url: redisUrl, prefix });
      const t0 = now();
      for (let s = 0; s < TP_JOBS; s += BATCH) {
        await producer.enqueueBulk(Array.from({ length: Math.min(BATCH, TP_JOBS - s) }, (_, i) => ({ t: s + i })));
      }
      const enqueueRate = (TP_JOBS / (now() - t0)) * 1000;
      await producer.close();
      const before = await commandstats(admin);
      await fleet.start();
      const st = await fleet.waitForCount(TP_JOBS, 180_000);
      const calls = diffStats(before, await commandstats(admin));
      await sleep(200);
      const extra = (await fleet.stats()).count - TP_JOBS;
      if (extra > 0) log(`${LABELS[system]}: ${extra} handler call(s) more than jobs enqueued`);
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const top = Object.entries(calls)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([cmd, n]) => `${cmd} ${(n / TP_JOBS).toFixed(2)}`);
      return { rate: ((st.count - 1) / (st.last - st.first)) * 1000, enqueueRate, perProcess: st.perProcess, callsPerJob: total / TP_JOBS, topCalls: top };
    } finally {
      await fleet.close();
    }
  };
}

function gitCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs'], { cwd: __dirname, encoding: 'utf8' }).trim();
    // tsc rewrites only the outputs that changed: the newest file is the last build.
    const dist = join(__dirname, '..', 'libs', 'queue-core', 'dist');
    const newest = Math.max(...readdirSync(dist, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => statSync(join(dist, f)).mtimeMs));
    const built = new Date(newest).toISOString().slice(0, 16).replace('T', ' ');
    return `${sha}${dirty ? ' (libs modified)' : ''}, queue-core dist built ${built} UTC`;
  } catch {
    return 'unknown commit';
  }
}

async function main() {
  const started = Date.now();
  const server = await startRedisServer();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => process.exit(130));
  }
  redisUrl = server.url;
  admin = new Redis(redisUrl);
  log(`private redis-server ${server.version} at ${redisUrl}; measurements: ${ONLY.join(', ')}; systems: ${SYS.join(', ')}; rounds: ${ROUNDS}`);
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    host: `${os.cpus().length} CPU(s) ${os.cpus()[0]?.model?.trim() ?? ''}`.trim(),
    redisVersion: server.version,
    commit: gitCommit(),
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    versions: { bee: require('bee-queue/package.json').version, bullmq: require('bullmq/package.json').version },
  };
  const results = {};
  try {
    if (ONLY.includes('latency')) results.latency = await interleave('latency', latencyIdle);
    if (ONLY.includes('steady')) results.steady = await interleave('steady', latencySteady);
    if (ONLY.includes('result')) results.result = await interleave('result', resultLatency);
    if (ONLY.includes('delayed')) results.delayed = await interleave('delayed', delayedStart);
    if (ONLY.includes('idle')) results.idle = await idleCost();
    if (ONLY.includes('throughput')) {
      const levels = [
        ...TP_LEVELS.map((c) => [`c${c}`, `1 process, concurrency ${c}`, false, { processes: 1, workers: 1, concurrency: c }]),
        ['multi', `${TP_MULTI.processes} processes × concurrency ${TP_MULTI.concurrency}, aggregate`, true, TP_MULTI],
      ];
      const byLevel = {};
      for (const [key, , , level] of levels) byLevel[key] = await interleave(`throughput-${key}`, throughput(level));
      results.throughput = { levels, byLevel };
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
  meta.minutes = ((Date.now() - started) / 60_000).toFixed(1);
  meta.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const text = buildReport(results, meta, {
    systems: SYS,
    rounds: ROUNDS,
    latencyJobs: LATENCY_JOBS,
    steadyRate: STEADY_RATE,
    steadySeconds: STEADY_SECONDS,
    steadyFleet: STEADY_FLEET,
    resultJobs: RESULT_JOBS,
    delayedJobs: DELAYED_JOBS,
    idleFleet: IDLE_FLEET,
    idleSeconds: IDLE_SECONDS,
    throughputJobs: TP_JOBS,
    warmupJobs: WARMUP_JOBS,
  });
  process.stdout.write(`\n${text}`);
  const dir = join(__dirname, '..', 'bench-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, args.out), text);
  writeFileSync(join(dir, args.out.replace(/\.md$/, '') + '.json'), JSON.stringify({ meta, args, results }, null, 2) + '\n');
  log(`wrote bench-output/${args.out} in ${meta.minutes} min`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
