#!/usr/bin/env node
// Fan-in benchmark of job dependencies: one child job that depends on N parent
// jobs (10,000 by default) of the same queue. Measures how long the edges take to
// write, how long the whole fan-in takes to complete against the same parents
// without a child (the cost of dependencies on the finish path), how soon the
// child starts after its last parent finished, and that it runs exactly once.
//
//   npm run build && npm run bench:fanin
//   npm run bench:fanin -- --parents 2000 --rounds 1      (a smoke run)
//
// Method: a private redis-server (no persistence) on a free loopback port
// (scripts/lib/bench-redis.cjs), stopped at the end; each round and case under a
// key prefix of its own, deleted afterwards. Producer and workers (queue-core's
// public API from the built libs) run in this process; the workers are started
// after everything is enqueued. Cases alternate within each round; tables show
// the median over rounds. Writes bench-output/fanin.md (and .json).
const { parseArgs } = require('node:util');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { execFileSync } = require('node:child_process');
const { Redis } = require('ioredis');
const { defineJob, z } = require('../libs/job-defs/dist/index.js');
const { QueueClient, Worker, handle, parseQueueConfig, queueKeys } = require('../libs/queue-core/dist/index.js');
const { deletePrefix } = require('./lib/local.cjs');
const { startRedisServer } = require('./lib/bench-redis.cjs');

const HELP = `Usage: node scripts/bench-fanin.cjs [options]   (or: npm run bench:fanin -- [options])

  --parents N       parents of the one child (default 10000, at most 10000)
  --rounds N        rounds, medians reported (default 4: each case goes first twice)
  --workers N       Worker instances (default 2)
  --concurrency N   jobs at once per worker (default 10)
  --help            this text
`;

const { values: args } = parseArgs({
  options: {
    parents: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '10' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const PARENTS = Number(args.parents);
const ROUNDS = Number(args.rounds);
const WORKERS = Number(args.workers);
const CONCURRENCY = Number(args.concurrency);
for (const [name, v, max] of [['parents', PARENTS, 10_000], ['rounds', ROUNDS, 100], ['workers', WORKERS, 64], ['concurrency', CONCURRENCY, 1_000]]) {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    process.stderr.write(`bench-fanin: --${name} must be a whole number from 1 to ${max}\n\n${HELP}`);
    process.exit(2);
  }
}

const part = defineJob({
  name: 'bench.part',
  queue: 'fanin',
  description: 'One parent of the fan-in',
  payload: z.object({ i: z.number().int() }),
  result: z.object({ i: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 60_000, keepResultSeconds: 3_600 },
});
const gather = defineJob({
  name: 'bench.gather',
  queue: 'fanin',
  description: 'The child: reads every parent result',
  payload: z.object({}),
  result: z.object({ parents: z.number().int(), sum: z.number().int(), readMs: z.number() }),
  defaults: { retries: 0, timeoutMs: 120_000 },
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** One case: PARENTS parent jobs, with or without one child depending on all of them. */
async function runCase(url, prefix, withChild) {
  const config = parseQueueConfig({ redisUrl: url, prefix });
  const client = await QueueClient.connect(config);
  const redis = new Redis(url);
  const out = { withChild };
  let childRuns = 0;
  let lastParentAt = 0;
  let childStartedAt = 0;
  let parentsDone = 0;
  let allParentsDone;
  const parentsFinished = new Promise((r) => (allParentsDone = r));
  const workers = [];
  try {
    let t = performance.now();
    const parents = await client.enqueueMany(
      part,
      Array.from({ length: PARENTS }, (_, i) => ({ payload: { i } })),
    );
    out.enqueueParentsMs = performance.now() - t;
    let child = null;
    if (withChild) {
      t = performance.now();
      child = await client.enqueue(gather, {}, { dependsOn: parents });
      out.enqueueChildMs = performance.now() - t;
      out.deferredAtStart = await child.status();
    }
    for (let w = 0; w < WORKERS; w += 1) {
      const worker = new Worker(config, {
        name: `fanin-${w}`,
        concurrency: CONCURRENCY,
        handlers: [
          handle(part, (p) => ({ i: p.i })),
          handle(gather, async (_p, ctx) => {
            childStartedAt = performance.now();
            childRuns += 1;
            const r0 = performance.now();
            const results = await ctx.parentResults(part);
            let sum = 0;
            for (const r of results.values()) sum += r.i;
            return { parents: results.size, sum, readMs: performance.now() - r0 };
          }),
        ],
      });
      worker.on('job:finished', (e) => {
        if (e.name !== part.name) return;
        lastParentAt = performance.now();
        parentsDone += 1;
        if (parentsDone === PARENTS) allParentsDone();
      });
      workers.push(worker);
    }
    await redis.config('RESETSTAT');
    t = performance.now();
    await Promise.all(workers.map((w) => w.start()));
    if (withChild) {
      const result = await child.result({ timeoutMs: 600_000 });
      out.completeMs = performance.now() - t;
      out.parentsMs = lastParentAt - t;
      out.releaseMs = childStartedAt - lastParentAt;
      out.childReadMs = result.readMs;
      out.childSawParents = result.parents;
      out.childSumOk = result.sum === (PARENTS * (PARENTS - 1)) / 2;
      // Give a duplicate run (there must be none) a moment to show up.
      await new Promise((r) => setTimeout(r, 200));
      out.childRuns = childRuns;
      out.deferredLeft = await redis.zcard(queueKeys(prefix, 'fanin').deferred);
    } else {
      await parentsFinished;
      out.completeMs = performance.now() - t;
      out.parentsMs = lastParentAt - t;
    }
    out.parentsPerSecond = PARENTS / (out.parentsMs / 1000);
    // Redis-side cost of the scripts (finish, fetch), far less noisy than wall-clock time.
    const evalsha = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
    out.scriptUsecPerCall = evalsha ? Number(evalsha[2]) / Number(evalsha[1]) : NaN;
    return out;
  } finally {
    await Promise.all(workers.map((w) => w.close({ graceMs: 1_000 })));
    await client.close();
    await deletePrefix(redis, prefix);
    // UNLINK frees in a background thread: let it finish before the next case, which it would slow down.
    for (let i = 0; i < 100 && /lazyfree_pending_objects:([1-9])/.test(await redis.info('memory')); i += 1) await new Promise((r) => setTimeout(r, 100));
    redis.disconnect();
  }
}

async function main() {
  const server = await startRedisServer();
  const started = Date.now();
  const rounds = [];
  try {
    for (let r = 0; r < ROUNDS; r += 1) {
      // Alternate which case goes first.
      const order = r % 2 === 0 ? [false, true] : [true, false];
      const round = {};
      for (const withChild of order) {
        const res = await runCase(server.url, `bench-fanin-${process.pid}-${r}-${withChild ? 'child' : 'plain'}`, withChild);
        round[withChild ? 'fanin' : 'plain'] = res;
        process.stdout.write(
          `round ${r + 1} ${withChild ? 'fan-in' : 'plain '}: parents ${fmt(res.parentsMs)} ms (${fmt(res.parentsPerSecond)} jobs/s)` +
            (withChild ? `, child done after ${fmt(res.completeMs)} ms, released ${fmt(res.releaseMs, 1)} ms after the last parent, ran ${res.childRuns}x` : '') +
            '\n',
        );
      }
      rounds.push(round);
    }
  } finally {
    await server.stop();
  }
  const m = (pick) => median(rounds.map(pick));
  const fan = (k) => m((r) => r.fanin[k]);
  const plain = (k) => m((r) => r.plain[k]);
  const childRuns = rounds.map((r) => r.fanin.childRuns);
  const overhead = plain('parentsPerSecond') / fan('parentsPerSecond') - 1;
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const lines = [
    `# Fan-in benchmark: one child, ${fmt(PARENTS)} parents`,
    '',
    `Commit ${commit}, ${new Date().toISOString()}, redis-server ${server.version} (private, no persistence), Node ${process.version}, ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at the end. ` +
      `${WORKERS} workers x concurrency ${CONCURRENCY} in the bench process; medians of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (${fmt((Date.now() - started) / 1000, 1)} s in all).`,
    '',
    '| measurement | median |',
    '| --- | ---: |',
    `| enqueue ${fmt(PARENTS)} parents (enqueueMany, 1,000 per call) | ${fmt(fan('enqueueParentsMs'))} ms |`,
    `| enqueue the child with ${fmt(PARENTS)} parents (one atomic script call: ${fmt(PARENTS)} edges) | ${fmt(fan('enqueueChildMs'), 1)} ms |`,
    `| child status right after enqueue | ${rounds[0].fanin.deferredAtStart} |`,
    `| all ${fmt(PARENTS)} parents processed, without a child | ${fmt(plain('parentsMs'))} ms (${fmt(plain('parentsPerSecond'))} jobs/s) |`,
    `| all ${fmt(PARENTS)} parents processed, with the child waiting on them | ${fmt(fan('parentsMs'))} ms (${fmt(fan('parentsPerSecond'))} jobs/s) |`,
    `| finish-path cost of the dependency, wall clock (jobs/s without / with - 1) | ${(overhead * 100).toFixed(1)} % |`,
    `| Redis time per script call (finish + take, fetch; INFO commandstats), without / with the child | ${fmt(plain('scriptUsecPerCall'), 1)} / ${fmt(fan('scriptUsecPerCall'), 1)} µs |`,
    `| last parent finished -> child handler started | ${fmt(fan('releaseMs'), 1)} ms |`,
    `| child reads all ${fmt(PARENTS)} typed parent results (ctx.parentResults, 500 per call) | ${fmt(fan('childReadMs'), 1)} ms |`,
    `| workers started -> child succeeded | ${fmt(fan('completeMs'))} ms |`,
    `| child runs per round (must be 1) | ${childRuns.join(', ')} |`,
    `| parents the child saw / sum of their results correct | ${rounds.map((r) => `${fmt(r.fanin.childSawParents)} / ${r.fanin.childSumOk ? 'yes' : 'NO'}`).join(', ')} |`,
    `| deferred jobs left afterwards | ${rounds.map((r) => r.fanin.deferredLeft).join(', ')} |`,
    '',
    'Every round:',
    '',
    '| round | plain: parents ms | fan-in: parents ms | plain: µs/script | fan-in: µs/script | enqueue child ms | release ms | child done ms | child runs |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rounds.map(
      (r, i) =>
        `| ${i + 1} | ${fmt(r.plain.parentsMs)} | ${fmt(r.fanin.parentsMs)} | ${fmt(r.plain.scriptUsecPerCall, 1)} | ${fmt(r.fanin.scriptUsecPerCall, 1)} | ${fmt(r.fanin.enqueueChildMs, 1)} | ${fmt(r.fanin.releaseMs, 1)} | ${fmt(r.fanin.completeMs)} | ${r.fanin.childRuns} |`,
    ),
    '',
  ];
  const text = lines.join('\n');
  const dir = join(__dirname, '..', 'bench-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fanin.md'), text);
  writeFileSync(join(dir, 'fanin.json'), JSON.stringify({ parents: PARENTS, workers: WORKERS, concurrency: CONCURRENCY, rounds }, null, 2));
  process.stdout.write(`\n${text}\nWrote bench-output/fanin.md\n`);
  const ok = childRuns.every((n) => n === 1) && rounds.every((r) => r.fanin.childSumOk && r.fanin.deferredLeft === 0);
  if (!ok) {
    process.stderr.write('bench-fanin: the child did not run exactly once with every parent result\n');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`bench-fanin: ${err.stack ?? err}\n`);
  process.exit(1);
});
