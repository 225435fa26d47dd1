#!/usr/bin/env node
// Rate-limit benchmark (issue 10): does a per-queue limit hold across several
// worker processes over a minute?
//
//   npm run build && npm run bench:ratelimit -- [--max 50] [--interval-ms 1000] [--seconds 60] [--processes 3] [--concurrency 10]
//
// A private redis-server; `--processes` jobq worker processes (the compose
// deployment runs each worker container as such a process) with `--concurrency`
// slots each; the queue gets a limit of `--max` starts per `--interval-ms`, and
// more no-op jobs than the limit lets through are enqueued first. Every handler
// start is timestamped; over the measured window (whole limit windows, the
// first one skipped) the bench prints the starts per window (min / median /
// max), the total against the limit's allowance (the target: within 5 %), and
// the most starts seen in any sliding interval. Writes bench-output/ratelimit.md.
const { parseArgs } = require('node:util');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { startRedisServer } = require('./lib/bench-redis.cjs');
const { startFleet } = require('./lib/bench-procs.cjs');
const { openProducer } = require('./lib/bench-systems.cjs');

const { QueueClient, parseQueueConfig } = require('../libs/queue-core/dist/index.js');

const { values: args } = parseArgs({
  options: {
    max: { type: 'string', default: '50' },
    'interval-ms': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    processes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '10' },
  },
});
const MAX = Number(args.max);
const INTERVAL = Number(args['interval-ms']);
const SECONDS = Number(args.seconds);
const PREFIX = 'bench-ratelimit';
const QUEUE = 'bench';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const server = await startRedisServer();
  let fleet = null;
  const client = await QueueClient.connect(parseQueueConfig({ redisUrl: server.url, prefix: PREFIX }));
  try {
    await client.setRateLimit(QUEUE, { max: MAX, intervalMs: INTERVAL });
    const windows = Math.ceil((SECONDS * 1000) / INTERVAL) + 3;
    const jobs = Math.ceil(MAX * windows * 1.3);
    const producer = await openProducer('jobq', { url: server.url, prefix: PREFIX });
    for (let s = 0; s < jobs; s += 1000) await producer.enqueueBulk(Array.from({ length: Math.min(1000, jobs - s) }, (_, i) => ({ t: s + i })));
    await producer.close();
    fleet = await startFleet({ system: 'jobq', url: server.url, prefix: PREFIX, mode: 'starts', processes: Number(args.processes), workers: 1, concurrency: Number(args.concurrency) });
    console.log(`${jobs} jobs waiting; limit ${MAX} per ${INTERVAL} ms; ${args.processes} worker processes × concurrency ${args.concurrency}; ${SECONDS} s measured`);
    await fleet.start();
    await sleep(SECONDS * 1000 + 2 * INTERVAL + 500);
    const starts = (await fleet.collect()).sort((a, b) => a - b);
    // Whole windows only, the first (partial) one skipped.
    const first = (Math.floor(starts[0] / INTERVAL) + 1) * INTERVAL;
    const n = Math.floor((SECONDS * 1000) / INTERVAL);
    const perWindow = Array.from({ length: n }, () => 0);
    for (const t of starts) {
      const w = Math.floor((t - first) / INTERVAL);
      if (w >= 0 && w < n) perWindow[w] += 1;
    }
    const inWindow = starts.filter((t) => t >= first && t < first + n * INTERVAL);
    let slidingMax = 0;
    for (let i = 0, j = 0; i < inWindow.length; i += 1) {
      while (inWindow[i] - inWindow[j] >= INTERVAL) j += 1;
      slidingMax = Math.max(slidingMax, i - j + 1);
    }
    const allowed = MAX * n;
    const total = perWindow.reduce((a, b) => a + b, 0);
    const deviation = ((total - allowed) / allowed) * 100;
    const rows = [
      ['limit', `${MAX} starts per ${INTERVAL} ms`],
      ['workers', `${args.processes} processes × concurrency ${args.concurrency}`],
      ['measured', `${n} whole windows (${((n * INTERVAL) / 1000).toFixed(0)} s)`],
      ['starts in the measured windows / allowance', `${total} / ${allowed} (${deviation >= 0 ? '+' : ''}${deviation.toFixed(2)} %; target within ±5 %)`],
      ['starts per window: min / median / max', `${Math.min(...perWindow)} / ${median(perWindow)} / ${Math.max(...perWindow)}`],
      ['windows over the limit', String(perWindow.filter((c) => c > MAX).length)],
      [`most starts in any sliding ${INTERVAL} ms`, `${slidingMax} (fixed windows allow up to ${2 * MAX} across an edge)`],
    ];
    const md = `# Rate limit benchmark\n\n| measurement | value |\n| --- | --- |\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}\n`;
    console.log(`\n${md}`);
    const dir = join(__dirname, '..', 'bench-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ratelimit.md'), md);
    if (Math.abs(deviation) > 5 || perWindow.some((c) => c > MAX)) process.exitCode = 1;
  } finally {
    await fleet?.close();
    await client.close();
    await server.stop();
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
