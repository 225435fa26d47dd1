import type { WorkerView } from '@jobq/queue-core';
import { formatAgo, formatCount, formatDuration, formatTime, isoTime, plural } from './format';
import type { Links } from './links';

/** View model of the workers page. */
export function presentWorkers(workers: readonly WorkerView[], links: Links, now: number) {
  return {
    count: formatCount(workers.length),
    countLabel: plural(workers.length, 'worker', 'workers'),
    hasWorkers: workers.length > 0,
    workers: workers.map((w) => ({
      anchor: `worker-${w.name}`,
      name: w.name,
      hostname: w.hostname,
      pid: w.pid,
      queues: w.queues.join(', '),
      concurrency: w.concurrency,
      state: w.state,
      malformed: w.malformed.length > 0 ? `Malformed record: ${w.malformed.join('; ')}` : '',
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
