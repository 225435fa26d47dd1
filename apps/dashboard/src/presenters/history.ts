import type { ThroughputHistory } from '@jobq/queue-core';
import { presentChart } from './chart';
import { formatCount, formatDuration } from './format';
import type { Links } from './links';

/** View model of a queue's history page. */
export function presentHistory(h: ThroughputHistory, links: Links) {
  const day = h.range === 'day';
  return {
    queue: h.queue,
    queueHref: links.queue(h.queue),
    day,
    dayHref: links.history(h.queue, 'day'),
    monthHref: links.history(h.queue, 'month'),
    apiHref: links.historyApi(h.queue, h.range),
    periodTitle: day ? 'last 24 hours, per minute' : 'last 30 days, per hour',
    chart: presentChart(
      h.points.map((p) => ({ minuteStart: p.start, processed: p.processed, failed: p.failed })),
      { step: day ? 'minute' : 'hour', periodLabel: day ? 'in the last 24 hours' : 'in the last 30 days' },
    ),
    namesPeriod: day ? 'last 24 hours (by the hour)' : 'last 30 days',
    hasNames: h.names.length > 0,
    names: h.names.map((n) => ({
      name: n.name,
      processed: formatCount(n.processed),
      failed: formatCount(n.failed),
      failedRate: n.processed > 0 && n.failed > 0 ? `${((100 * n.failed) / n.processed).toFixed(1)}%` : '',
      mean: formatDuration(n.meanMs),
      p50: formatDuration(n.p50Ms),
      p95: formatDuration(n.p95Ms),
      p99: formatDuration(n.p99Ms),
    })),
  };
}
