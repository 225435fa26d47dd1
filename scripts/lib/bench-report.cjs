// Markdown report of the runtime benchmark (scripts/bench-runtime.cjs).
const { LABELS } = require('./bench-systems.cjs');
const { median, ms, int } = require('./bench-stats.cjs');


const med = (rounds, key) => median(rounds.filter(Boolean).map((r) => r[key]));
const okMark = (ok) => (ok === undefined ? '' : ok ? '✓' : '✗');

function latencyCell(all, keys) {
  const rounds = (all ?? []).filter(Boolean);
  if (!rounds.length) return 'n/a';
  const lost = rounds.reduce((n, r) => n + (r.lost || 0), 0);
  return keys.map((k) => (k === 'minAll' ? ms(Math.min(...rounds.map((r) => r.min))) : ms(med(rounds, k)))).join(' / ') + (lost ? ` (${lost} lost)` : '');
}

/**
 * The markdown report: one summary table (targets beside jobq's numbers), then
 * every round's values and the setup.
 */
function buildReport(results, meta, cfg) {
  const { systems: SYS, rounds: ROUNDS, latencyJobs: LATENCY_JOBS, steadyRate: STEADY_RATE, steadySeconds: STEADY_SECONDS } = cfg;
  const { steadyFleet: STEADY_FLEET, resultJobs: RESULT_JOBS, delayedJobs: DELAYED_JOBS, idleFleet: IDLE_FLEET } = cfg;
  const { idleSeconds: IDLE_SECONDS, throughputJobs: TP_JOBS, warmupJobs: WARMUP_JOBS } = cfg;
  const L = [];
  const cols = SYS.map((s) => LABELS[s]);
  L.push(`# Runtime benchmark: ${cols.join(' vs ')}`);
  L.push('');
  L.push(
    `${meta.date} · ${meta.host} · Node ${process.version} · private redis-server ${meta.redisVersion} on loopback · ` +
      `jobq from the built libs at ${meta.commit} · bee-queue ${meta.versions.bee} · BullMQ ${meta.versions.bullmq} · ` +
      `${ROUNDS} round(s), systems interleaved, medians of rounds · load average at start ${meta.load}, at end ${meta.loadEnd} · run took ${meta.minutes} min`,
  );
  L.push('');
  const cpus = Number.parseInt(meta.host, 10) || 1;
  // The 1-minute load before the run is other work; the one at the end includes the bench's own.
  const before = Number(meta.load.split(' ')[0]);
  if (before > cpus / 2) {
    L.push(`> Other work was running (1-minute load average ${before.toFixed(1)} on ${cpus} CPU(s) before the run): throughput and tail latencies are noisy. Compare the rounds below, and re-run with more \`--rounds\` on a quiet machine before drawing conclusions.`);
    L.push('');
  }
  L.push(`| # | measurement | target for jobq (issue 8) | ${cols.join(' | ')} | jobq meets target |`);
  L.push(`| --- | --- | --- | ${cols.map(() => '---:').join(' | ')} | :---: |`);
  const row = (n, what, target, cells, ok) => L.push(`| ${n} | ${what} | ${target} | ${SYS.map((s) => cells[s] ?? 'n/a').join(' | ')} | ${okMark(ok)} |`);
  const jq = (name) => (SYS.includes('jobq') ? results[name]?.jobq : undefined);

  if (results.latency) {
    const cells = Object.fromEntries(SYS.map((s) => [s, latencyCell(results.latency[s], ['p50', 'p99', 'max'])]));
    const r = jq('latency');
    row(1, `enqueue → handler start, 1 idle worker, ${LATENCY_JOBS} single enqueues at random 20-200 ms gaps: p50 / p99 / max (ms)`, 'p99 ≤ 10 ms', cells, r?.length > 0 && r.every(Boolean) && med(r, 'p99') <= 10 && !r.some((x) => x.lost));
  }
  if (results.steady) {
    const cells = Object.fromEntries(SYS.map((s) => [s, latencyCell(results.steady[s], ['p50', 'p99', 'max'])]));
    const r = jq('steady');
    row(2, `the same at a steady ${int(STEADY_RATE)} jobs/s for ${STEADY_SECONDS} s, ${STEADY_FLEET.processes} worker processes × concurrency ${STEADY_FLEET.concurrency}: p50 / p99 / max (ms)`, 'p99 ≤ 10 ms', cells, r?.length > 0 && r.every(Boolean) && med(r, 'p99') <= 10 && !r.some((x) => x.lost));
  }
  if (results.result) {
    const cells = Object.fromEntries(SYS.map((s) => [s, latencyCell(results.result[s], ['p50', 'p99'])]));
    const r = jq('result');
    row(3, `handler finished → result known to the producer (jobq \`result()\`, bee-queue 'succeeded' event, BullMQ \`waitUntilFinished\`), ${RESULT_JOBS} jobs: p50 / p99 (ms)`, 'p99 ≤ 10 ms', cells, r?.length > 0 && r.every(Boolean) && med(r, 'p99') <= 10 && !r.some((x) => x.lost));
  }
  if (results.delayed) {
    const cells = Object.fromEntries(SYS.map((s) => [s, latencyCell(results.delayed[s], ['p50', 'p99', 'minAll'])]));
    const r = jq('delayed');
    row(4, `delayed job start − due time, ${DELAYED_JOBS} jobs delayed 50-500 ms, idle system: p50 / p99 / min of all rounds (ms; negative = early)`, 'p99 ≤ 10 ms late, never early', cells, r?.length > 0 && r.every(Boolean) && med(r, 'p99') <= 10 && Math.min(...r.map((x) => x.min)) >= 0 && !r.some((x) => x.lost));
  }
  if (results.idle) {
    const cells = Object.fromEntries(SYS.map((s) => [s, results.idle[s] ? results.idle[s].perWorker.toFixed(2) : 'n/a']));
    const r = jq('idle');
    row(5, `idle cost: Redis commands/s per worker, ${IDLE_FLEET.processes * IDLE_FLEET.workers} idle workers (${IDLE_FLEET.processes} processes × ${IDLE_FLEET.workers} workers), ${IDLE_SECONDS} s (INFO commandstats, commands run inside scripts included)`, '≤ 2 per worker', cells, r && r.perWorker <= 2);
  }
  if (results.throughput) {
    const t = results.throughput;
    let i = 0;
    for (const [key, label, multi] of t.levels) {
      const rate = Object.fromEntries(SYS.map((s) => [s, med(t.byLevel[key][s], 'rate')]));
      const cells = Object.fromEntries(SYS.map((s) => [s, int(rate[s])]));
      let ok;
      if (SYS.includes('jobq')) {
        const parts = [];
        const checks = [];
        if (SYS.includes('bee')) {
          parts.push(`${(rate.jobq / rate.bee).toFixed(2)}× bee-queue`);
          checks.push(rate.jobq / rate.bee >= 0.9);
        }
        if (SYS.includes('bullmq') && !multi) {
          parts.push(`${(rate.jobq / rate.bullmq).toFixed(2)}× BullMQ`);
          checks.push(rate.jobq / rate.bullmq >= 1.2);
        } else if (SYS.includes('bullmq')) {
          parts.push(`${(rate.jobq / rate.bullmq).toFixed(2)}× BullMQ`);
        }
        cells.jobq = `${cells.jobq} (${parts.join(', ')})`;
        ok = checks.length ? checks.every(Boolean) : undefined;
      }
      row(`6${'abcdefgh'[i++]}`, `processing throughput, ${label}, ${int(TP_JOBS)} no-op jobs bulk-enqueued first, first to last handler call (jobs/s)`, multi ? '≥ 0.9× bee-queue' : '≥ 0.9× bee-queue and ≥ 1.2× BullMQ', cells, ok);
    }
  }
  L.push('');
  L.push('Details (one value per round, in round order):');
  L.push('');
  const perRound = (rounds, f) => (rounds?.length ? rounds.map((r) => (r ? f(r) : 'failed')).join(' · ') : 'n/a');
  for (const [name, title, f] of [
    ['latency', '1. idle latency p50/p99/max', (r) => `${ms(r.p50)}/${ms(r.p99)}/${ms(r.max)}`],
    ['steady', '2. steady-load latency p50/p99/max (producer rate achieved)', (r) => `${ms(r.p50)}/${ms(r.p99)}/${ms(r.max)} (${int(r.achievedRate)}/s)`],
    ['result', '3. result latency p50/p99/max', (r) => `${ms(r.p50)}/${ms(r.p99)}/${ms(r.max)}`],
    ['delayed', '4. delayed start error p50/p99/min/max (early count)', (r) => `${ms(r.p50)}/${ms(r.p99)}/${ms(r.min)}/${ms(r.max)} (${r.early})`],
  ]) {
    if (!results[name]) continue;
    for (const s of SYS) L.push(`- ${title}, ${LABELS[s]}: ${perRound(results[name][s], f)}${results[name][s]?.some((r) => r?.lost) ? ` — lost: ${results[name][s].map((r) => r?.lost ?? 'failed').join(' · ')}` : ''}`);
  }
  if (results.idle) {
    for (const s of SYS) {
      const r = results.idle[s];
      if (r) L.push(`- 5. idle ${LABELS[s]}: ${r.total.toFixed(1)} commands/s in all (${r.topLevelPerWorker.toFixed(2)}/s per worker sent by clients, ${r.inScriptsPerWorker.toFixed(2)}/s run inside scripts), ${r.connections} connections; top: ${r.top.join(', ') || 'none'}`);
    }
  }
  if (results.throughput) {
    for (const [key, label] of results.throughput.levels) {
      for (const s of SYS) {
        const rounds = results.throughput.byLevel[key][s];
        const last = rounds.filter(Boolean).at(-1);
        L.push(
          `- 6. ${label}, ${LABELS[s]}: process ${perRound(rounds, (r) => `${int(r.rate)}/s`)}; bulk enqueue ${perRound(rounds, (r) => `${int(r.enqueueRate)}/s`)}` +
            (last ? `; Redis calls per job while processing ${last.callsPerJob.toFixed(1)} (${last.topCalls.join(', ')})` : ''),
        );
      }
    }
  }
  L.push('');
  L.push(
    'Setup: workers run in child processes, producers in the benchmark process, all on one host. bee-queue: removeOnSuccess: true, ' +
      'activateDelayedJobs and delayedDebounce: 0 for the delayed run only, no periodic checkStalledJobs (its default), getEvents on the producer for results only; ' +
      'BullMQ: removeOnComplete: true (in the result run { count: 1000 }, as waitUntilFinished fails on a job already removed), default worker settings; ' +
      'jobq: queue-core defaults (results stored, history, stall checks, heartbeats). Runs 1, 3 and 4 use one worker process with one worker at concurrency 1, ' +
      `and send ${WARMUP_JOBS} warm-up jobs first (not counted). Idle: each system on a redis-server of its own, the three at the same time; ` +
      'a worker has concurrency 4 on one queue. Redis runs with its defaults (hz 10: a blocking command\'s timeout fires up to ~100 ms late on an idle server).',
  );
  return L.join('\n') + '\n';
}

module.exports = { buildReport };
