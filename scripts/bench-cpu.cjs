#!/usr/bin/env node
// CPU cost per processed job, for each system: Redis server CPU µs/job and
// worker process CPU µs/job (from /proc, user+system), plus Redis commands per
// job (INFO commandstats). CPU time is far less sensitive to other load on the
// machine than wall-clock throughput, so this is the tool for comparing two
// builds of jobq on a busy machine; throughput claims still come from
// bench-runtime.cjs on a quiet one.
//
//   npm run build && npm run bench:cpu -- [--systems jobq,bee,bullmq] [--jobs 20000] [--concurrency 10] [--processes 1] [--rounds 3] [--verbose]
//
// Worker CPU is summed over the worker processes. --verbose lists each round's
// Redis commands per job with their server-side µs (INFO commandstats).
const { parseArgs } = require('node:util');
const { readFileSync } = require('node:fs');
const { Redis } = require('ioredis');
const { startRedisServer } = require('./lib/bench-redis.cjs');
const { startFleet } = require('./lib/bench-procs.cjs');
const { SYSTEMS, LABELS, openProducer } = require('./lib/bench-systems.cjs');
const { deletePrefix } = require('./lib/local.cjs');

const { values: args } = parseArgs({
  options: {
    systems: { type: 'string', default: SYSTEMS.join(',') },
    jobs: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '10' },
    processes: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    verbose: { type: 'boolean', default: false },
  },
});
const TICK_US = 1e6 / 100; // USER_HZ

function cpuUs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_US;
}
async function stats(redis) {
  const text = await redis.info('commandstats');
  const out = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) if (m[1] !== 'info') out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  return out;
}
function delta(a, b) {
  return Object.entries(b)
    .map(([cmd, s]) => ({ cmd, calls: s.calls - (a[cmd]?.calls ?? 0), usec: s.usec - (a[cmd]?.usec ?? 0) }))
    .filter((d) => d.calls > 0);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const redisPid = Number(/process_id:(\d+)/.exec(await admin.info('server'))[1]);
  const jobs = Number(args.jobs);
  const results = {};
  try {
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const system of args.systems.split(',')) {
        const prefix = `cpu-${system}-${round}`;
        const fleet = await startFleet({ system, url: server.url, prefix, mode: 'count', processes: Number(args.processes), workers: 1, concurrency: Number(args.concurrency) });
        try {
          const producer = await openProducer(system, { url: server.url, prefix });
          for (let s = 0; s < jobs; s += 1000) await producer.enqueueBulk(Array.from({ length: Math.min(1000, jobs - s) }, (_, i) => ({ t: s + i })));
          await producer.close();
          const pids = fleet.children.map((c) => c.proc.pid);
          const workerCpu = () => pids.reduce((sum, pid) => sum + cpuUs(pid), 0);
          const r0 = cpuUs(redisPid);
          const w0 = workerCpu();
          const c0 = await stats(admin);
          await fleet.start();
          const st = await fleet.waitForCount(jobs, 180_000);
          const d = delta(c0, await stats(admin));
          const r = { redisUs: (cpuUs(redisPid) - r0) / jobs, workerUs: (workerCpu() - w0) / jobs, calls: d.reduce((n, x) => n + x.calls, 0) / jobs, rate: ((st.count - 1) / (st.last - st.first)) * 1000 };
          if (args.verbose) for (const x of d.sort((p, q) => q.usec - p.usec)) console.log(`  ${x.cmd.padEnd(12)} ${(x.calls / jobs).toFixed(2)}/job  ${(x.usec / jobs).toFixed(1)} µs/job  ${(x.usec / x.calls).toFixed(2)} µs/call`);
          (results[system] ??= []).push(r);
          console.log(`round ${round + 1} ${LABELS[system]}: redis ${r.redisUs.toFixed(1)} µs/job, worker ${r.workerUs.toFixed(1)} µs/job, ${r.calls.toFixed(1)} cmds/job, ${Math.round(r.rate)} jobs/s`);
        } finally {
          await fleet.close();
          await deletePrefix(admin, prefix);
        }
      }
    }
    console.log(`\nmedians, ${args.processes} process(es) × concurrency ${args.concurrency}, ${jobs} jobs:`);
    for (const [system, rs] of Object.entries(results)) {
      console.log(`${LABELS[system].padEnd(10)} redis ${median(rs.map((r) => r.redisUs)).toFixed(1)} µs/job  worker ${median(rs.map((r) => r.workerUs)).toFixed(1)} µs/job  ${median(rs.map((r) => r.calls)).toFixed(1)} cmds/job  ${Math.round(median(rs.map((r) => r.rate)))} jobs/s`);
    }
  } finally {
    admin.disconnect();
    await server.stop();
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
