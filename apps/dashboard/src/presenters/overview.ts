import { JOB_STATES, NAME_PATTERN, shortText, type Overview, type QueueFlow } from '@jobq/queue-core';
import { rateLimitText } from './flow';
import { presentChart } from './chart';
import { NONE, formatCount, formatDuration, plural } from './format';
import type { Links } from './links';

/** View model of the overview page. */
export function presentOverview(o: Overview & { readonly flow: readonly QueueFlow[] }, links: Links) {
  const flows = new Map(o.flow.map((f) => [f.queue, f]));
  const totals = Object.fromEntries(JOB_STATES.map((s) => [s, o.queues.reduce((sum, q) => sum + q[s], 0)]));
  return {
    states: JOB_STATES,
    queues: o.queues.map((q) => ({
      name: shortText(q.queue, 100),
      href: NAME_PATTERN.test(q.queue) ? links.queue(q.queue) : '',
      latency: o.latency[q.queue] == null ? NONE : formatDuration(o.latency[q.queue]),
      ...flowCells(flows.get(q.queue)),
      cells: JOB_STATES.map((s) => ({ state: s, count: formatCount(q[s]), zero: q[s] === 0, href: NAME_PATTERN.test(q.queue) ? links.queue(q.queue, s) : '' })),
    })),
    totals: JOB_STATES.map((s) => ({ state: s, count: formatCount(totals[s] ?? 0) })),
    hasQueues: o.queues.length > 0,
    workersOnline: formatCount(o.workers.length),
    workersLabel: `${plural(o.workers.length, 'worker', 'workers')} online`,
    workersBusy: formatCount(o.workers.filter((w) => w.state === 'busy').length),
    workersHref: links.workers(),
    chart: presentChart(o.throughput),
  };
}

/** The paused flag and rate-limit text of one queue's row; a queue with no flow record is neither. */
function flowCells(flow: QueueFlow | undefined): { paused: boolean; rateLimit: string } {
  return flow ? { paused: flow.paused, rateLimit: rateLimitText(flow) } : { paused: false, rateLimit: '' };
}
