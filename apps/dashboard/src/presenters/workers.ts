import type { WorkerInfo } from '@jobq/queue-core';
import { formatAgo, formatCount, formatDuration, formatTime, isoTime } from './format';
import type { Links } from './links';

/** View model of the workers page. */
export function presentWorkers(workers: readonly WorkerInfo[], links: Links, now: number) {
  return {
    count: formatCount(workers.length),
    hasWorkers: workers.length > 0,
    workers: workers.map((w) => ({
      anchor: `worker-${w.name}`,
      name: w.name,
      hostname: w.hostname,
      pid: w.pid,
      queues: w.queues.join(', '),
      concurrency: w.concurrency,
      state: w.state,
      running: w.running.map((r) => ({
        href: links.job(r.queue, r.id),
        label: `${r.name} #${r.id}`,
        queue: r.queue,
        since: formatDuration(now - r.startedAt, false),
      })),
      idle: w.running.length === 0,
      processed: formatCount(w.processed),
      failed: formatCount(w.failed),
      uptime: formatDuration(now - w.startedAt, false),
      startedAt: formatTime(w.startedAt),
      heartbeatAgo: formatAgo(w.lastHeartbeat, now),
      heartbeatIso: isoTime(w.lastHeartbeat),
    })),
  };
}
