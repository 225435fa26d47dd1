import type { QueueInspector } from '@jobq/queue-core';
import type { LiveHub } from './live/live-hub';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, read from Redis at scrape time: jobs per queue and state,
 * workers online, per-queue processed/failed over the last hour, and each live
 * worker's processed/failed totals (counters that restart with the worker),
 * per-queue latency (age of the oldest waiting job), and per job name its
 * processed/failed counts and duration percentiles over the last 24 hours. Worker records are checked
 * by the inspection layer, so a malformed one never fails a scrape.
 */
export function createMetrics(inspector: QueueInspector, live?: LiveHub): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jobq_dashboard_' });
  // One Redis read per scrape, shared by the collectors below.
  let snapshot: Promise<Awaited<ReturnType<typeof read>>> | null = null;
  const read = async () => {
    const queues = await inspector.queues();
    const [counts, workers, perQueue, latency, perName, flow] = await Promise.all([
      inspector.counts(queues),
      inspector.workers(),
      Promise.all(queues.map(async (q) => ({ queue: q, points: await inspector.throughput([q], 60) }))),
      inspector.latency(queues),
      Promise.all(queues.map(async (q) => ({ queue: q, names: await inspector.nameHistory(q, 24) }))),
      inspector.flow(queues),
    ]);
    return { counts, workers, perQueue, latency, perName, flow };
  };
  const current = () => {
    snapshot ??= read().finally(() => setImmediate(() => (snapshot = null)));
    return snapshot;
  };

  new Gauge({
    name: 'jobq_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const { counts } = await current();
      this.reset();
      for (const c of counts) for (const state of ['waiting', 'active', 'delayed', 'succeeded', 'failed', 'canceled', 'deferred'] as const) this.set({ queue: c.queue, state }, c[state]);
    },
  });
  new Gauge({
    name: 'jobq_queue_paused',
    help: 'Whether a queue is paused (1) or not (0)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await current()).flow) this.set({ queue: f.queue }, f.paused ? 1 : 0);
    },
  });
  new Gauge({
    name: 'jobq_queue_rate_limit_per_second',
    help: 'Rate limit of a queue, job starts per second (only queues with a limit)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await current()).flow) if (f.rateLimit) this.set({ queue: f.queue }, (f.rateLimit.max * 1000) / f.rateLimit.intervalMs);
    },
  });
  new Gauge({
    name: 'jobq_workers_online',
    help: 'Live workers in the registry',
    registers: [registry],
    async collect() {
      this.set((await current()).workers.length);
    },
  });
  new Gauge({
    name: 'jobq_queue_latency_seconds',
    help: 'Age of the oldest waiting job per queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [queue, ms] of Object.entries((await current()).latency)) this.set({ queue }, (ms ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'jobq_workers_malformed',
    help: 'Registry records that are not well-formed worker records',
    registers: [registry],
    async collect() {
      this.set((await current()).workers.filter((w) => w.malformed.length > 0).length);
    },
  });
  if (live) {
    new Gauge({
      name: 'jobq_dashboard_live_clients',
      help: 'Browsers connected to the live-update stream',
      registers: [registry],
      collect() {
        this.set(live.stats().clients);
      },
    });
    new Counter({
      name: 'jobq_dashboard_live_dropped_total',
      help: 'Live clients dropped because their socket did not drain',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(live.stats().dropped);
      },
    });
  }
  for (const [field, help] of [
    ['processed', 'Jobs that finished (succeeded or failed for good) in the last 60 minutes'],
    ['failed', 'Jobs that failed for good in the last 60 minutes'],
  ] as const) {
    new Gauge({
      name: `jobq_${field}_last_hour`,
      help,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, points } of (await current()).perQueue) this.set({ queue }, points.reduce((s, p) => s + p[field], 0));
      },
    });
    new Counter({
      name: `jobq_worker_${field}_total`,
      help: `Jobs each live worker has ${field} since it started`,
      labelNames: ['worker'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of (await current()).workers) this.inc({ worker: w.name }, w[field]);
      },
    });
  }
  // Per job name over the last 24 hours (from the hourly history; at most 200 names a queue).
  for (const [field, help] of [
    ['processed', 'Jobs of each name that finished (succeeded or failed for good) in the last 24 hours'],
    ['failed', 'Jobs of each name that failed for good in the last 24 hours'],
  ] as const) {
    new Gauge({
      name: `jobq_job_${field}_last_day`,
      help,
      labelNames: ['queue', 'name'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, names } of (await current()).perName) for (const n of names) this.set({ queue, name: n.name }, n[field]);
      },
    });
  }
  new Gauge({
    name: 'jobq_job_duration_seconds_last_day',
    help: 'Job duration percentiles per name over the last 24 hours, estimated from log-scale buckets',
    labelNames: ['queue', 'name', 'quantile'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, names } of (await current()).perName) {
        for (const n of names) {
          for (const [quantile, ms] of [['0.5', n.p50Ms], ['0.95', n.p95Ms], ['0.99', n.p99Ms]] as const) if (ms !== null) this.set({ queue, name: n.name, quantile }, ms / 1000);
        }
      }
    },
  });
  return registry;
}
