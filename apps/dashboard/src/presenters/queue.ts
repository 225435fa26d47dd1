import { EMPTYABLE_STATES, JOB_STATES, type JobPage, type JobState, type JobSummary, type QueueCounts, type QueueFlow, type ThroughputPoint } from '@jobq/queue-core';
import { presentFlow } from './flow';
import { presentChart } from './chart';
import { NONE, formatAgo, formatBytes, formatCount, formatDuration, formatTime, isoTime } from './format';
import type { Links } from './links';

/** What the queue page shows besides the list itself. */
export interface QueuePageInput {
  readonly list: JobPage;
  readonly counts: QueueCounts;
  readonly throughput: readonly ThroughputPoint[];
  /** Job names known for this queue (from the contracts), for the filter. */
  readonly jobNames: readonly string[];
  /** Paused? Rate limit? */
  readonly flow: QueueFlow;
}

const WHEN_LABEL: Record<JobState, string> = {
  waiting: 'Created',
  active: 'Started',
  delayed: 'Runs at',
  succeeded: 'Finished',
  failed: 'Failed',
  canceled: 'Canceled',
  deferred: 'Created',
};

/** States whose jobs can be canceled from a list. */
const CANCELABLE: ReadonlySet<JobState> = new Set(['waiting', 'delayed', 'active', 'deferred']);

/** View model of the queue page: state tabs, the list, pagination, bulk actions. */
export function presentQueue(input: QueuePageInput, links: Links, canWrite: boolean, now: number) {
  const { list, counts } = input;
  const q = list.queue;
  const filter = list.name ?? undefined;
  const size = list.pageSize;
  const pageHref = (page: number) => links.queue(q, list.state, { name: filter, size: size === 20 ? undefined : size, page: page === 1 ? undefined : page });
  return {
    queue: q,
    historyHref: links.history(q, 'day'),
    flow: presentFlow(input.flow, links, canWrite),
    state: list.state,
    tabs: JOB_STATES.map((s) => ({ state: s, count: formatCount(counts[s]), href: links.queue(q, s, { name: filter }), current: s === list.state })),
    filter: {
      action: links.queue(q),
      state: list.state,
      name: filter ?? '',
      names: input.jobNames.map((n) => ({ value: n })),
      clearHref: filter ? links.queue(q, list.state) : '',
      scanNote: list.nameScan
        ? list.nameScan.complete
          ? ''
          : `Name filter looked at the newest ${formatCount(list.nameScan.scanned)} ${list.state} jobs only (waiting, active and delayed jobs have no name index).`
        : '',
    },
    whenLabel: WHEN_LABEL[list.state],
    showError: list.state === 'failed' || list.state === 'delayed',
    showProgress: list.state === 'active',
    selectable: canWrite && list.state !== 'active',
    rows: list.jobs.map((j) => presentRow(j, links, canWrite, now)),
    isEmpty: list.jobs.length === 0,
    emptyText: filter ? `No ${list.state} jobs named ${filter}.` : `No ${list.state} jobs.`,
    pagination: {
      summary: `Page ${formatCount(list.page)} of ${formatCount(list.pages)} · ${formatCount(list.total)} job${list.total === 1 ? '' : 's'}`,
      firstHref: list.page > 1 ? pageHref(1) : '',
      prevHref: list.page > 1 ? pageHref(list.page - 1) : '',
      nextHref: list.page < list.pages ? pageHref(list.page + 1) : '',
      lastHref: list.page < list.pages ? pageHref(list.pages) : '',
      jump: { action: links.queue(q), state: list.state, name: filter ?? '', size: size, page: list.page, max: list.pages },
      multiple: list.pages > 1,
    },
    bulk: canWrite && !list.jobs.every((j) => j.state === 'active') && list.jobs.length > 0
      ? {
          action: links.bulk(q),
          state: list.state,
          canRetry: list.state === 'failed',
          canRemove: list.state !== 'active',
        }
      : null,
    clean: canWrite && (list.state === 'succeeded' || list.state === 'failed' || list.state === 'canceled') && counts[list.state] > 0
      ? { action: links.clean(q), state: list.state, confirm: `Delete the ${list.state} jobs of ${q} older than the age given? This cannot be undone.` }
      : null,
    actions: canWrite
      ? {
          retryAll: list.state === 'failed' && counts.failed > 0 ? { action: links.retryAllFailed(q), confirm: `Retry all ${formatCount(counts.failed)} failed jobs of ${q}?` } : null,
          empty:
            (EMPTYABLE_STATES as readonly string[]).includes(list.state) && counts[list.state] > 0
              ? { action: links.emptyState(q, list.state), label: `Empty ${list.state}`, confirm: `Delete all ${formatCount(counts[list.state])} ${list.state} jobs of ${q}? This cannot be undone.` }
              : null,
        }
      : null,
    chart: presentChart(input.throughput),
  };
}

function presentRow(j: JobSummary, links: Links, canWrite: boolean, now: number) {
  const when = j.state === 'waiting' || j.state === 'deferred' ? j.createdAt : j.state === 'active' ? j.startedAt : j.state === 'delayed' ? j.runAt : j.finishedAt;
  return {
    id: j.id,
    href: links.job(j.queue, j.id),
    name: j.name ?? NONE,
    when: formatTime(when),
    whenIso: isoTime(when),
    whenAgo: formatAgo(when, now),
    created: formatTime(j.createdAt),
    attempts: j.attempts,
    duration: j.durationMs === null ? '' : formatDuration(j.durationMs),
    worker: j.worker ?? '',
    payload: j.payloadPreview,
    payloadCut: j.payloadTruncated,
    error: j.error ?? (j.errorBytes > 0 ? `(${formatBytes(j.errorBytes)} error message: open the job to read it)` : ''),
    errorCode: j.errorCode ?? '',
    progress: j.progress ? { percent: Math.max(0, Math.min(100, Math.round(j.progress.percent))), message: j.progress.message ?? '' } : null,
    retryAction: canWrite && j.state === 'failed' ? links.retryJob(j.queue, j.id) : '',
    cancelAction: canWrite && CANCELABLE.has(j.state) ? links.cancelJob(j.queue, j.id) : '',
    cancelConfirm: `Cancel job ${j.id} of ${j.queue}?${j.state === 'active' ? ' Its handler is told to stop; it ends canceled.' : ''}`,
    malformed: j.malformed,
  };
}
