import type { JobDetail } from '@jobq/queue-core';
import { NONE, formatBytes, formatDuration, formatTime, isoTime } from './format';
import type { Links } from './links';

/** Most characters of payload or result JSON put into a page (the JSON twin has all of it). */
export const MAX_SHOWN_JSON = 256 * 1024;

/** View model of the job page. */
export function presentJob(job: JobDetail, links: Links, canWrite: boolean) {
  const payload = shownJson(job.payload);
  const result = job.result === undefined ? null : shownJson(job.result);
  const run = job.run;
  const failed = job.state === 'failed';
  const { stacktraces: stacks, ...options } = job.options;
  const stacktraces = Array.isArray(stacks) ? stacks.filter((s): s is string => typeof s === 'string') : [];
  return {
    id: job.id,
    queue: job.queue,
    queueHref: links.queue(job.queue),
    stateHref: links.queue(job.queue, job.state),
    name: job.name ?? NONE,
    state: job.state,
    status: job.status ?? NONE,
    apiHref: `${links.base}/api/queues/${encodeURIComponent(job.queue)}/jobs/${encodeURIComponent(job.id)}`,
    facts: [
      time('Created', job.createdAt),
      ...(job.runAt === null ? [] : [time('Runs at', job.runAt)]),
      time('Started', run.startedAt),
      time('Finished', run.finishedAt),
      { label: 'Duration', value: formatDuration(run.durationMs), iso: '' },
      { label: 'Attempts', value: String(run.attempts ?? 0), iso: '' },
      { label: 'Retries left', value: retriesText(job), iso: '' },
      ...(run.stalls ? [{ label: 'Stalls', value: String(run.stalls), iso: '' }] : []),
      { label: 'Stored size', value: formatBytes(job.storedBytes), iso: '' },
    ],
    worker: run.worker ?? null,
    workerHref: run.worker ? links.worker(run.worker) : '',
    progress: job.progress && job.state === 'active'
      ? { percent: clampPercent(job.progress.percent), message: job.progress.message ?? '' }
      : null,
    payload,
    result,
    error: run.error || run.errorCode || run.stack ? { message: run.error ?? '', code: run.errorCode ?? '', stack: run.stack ?? '', last: !failed } : null,
    stacktraces,
    optionsJson: JSON.stringify(options, null, 2),
    canRetry: canWrite && failed,
    canRemove: canWrite && job.state !== 'active',
    retryAction: links.retryJob(job.queue, job.id),
    removeAction: links.removeJob(job.queue, job.id),
    removeConfirm: `Remove job ${job.id} from ${job.queue}? This cannot be undone.`,
  };
}

function time(label: string, ms: number | null | undefined) {
  return { label, value: formatTime(ms), iso: isoTime(ms) };
}

function retriesText(job: JobDetail): string {
  if (job.retriesLeft === null) return NONE;
  return job.retriesTotal === null ? String(job.retriesLeft) : `${job.retriesLeft} of ${job.retriesTotal}`;
}

function clampPercent(p: number): number {
  return Math.max(0, Math.min(100, Math.round(p)));
}

/** Pretty JSON cut to {@link MAX_SHOWN_JSON} characters. */
function shownJson(value: unknown): { text: string; cut: boolean; size: string } {
  const text = (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 2)) ?? 'undefined';
  return { text: text.slice(0, MAX_SHOWN_JSON), cut: text.length > MAX_SHOWN_JSON, size: formatBytes(Buffer.byteLength(text)) };
}
