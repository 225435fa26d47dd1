import type { JobDetail, JobValueField } from '@jobq/queue-core';
import { shownValue } from './bounded';
import { NONE, formatBytes, formatDuration, formatTime, isoTime } from './format';
import type { Links } from './links';

/** View model of the job page. */
export function presentJob(job: JobDetail, links: Links, canWrite: boolean) {
  const download = (field: JobValueField) => links.download(job.queue, job.id, field);
  const failed = job.state === 'failed';
  const o = job.options;
  const r = job.retries;
  return {
    id: job.id,
    queue: job.queue,
    queueHref: links.queue(job.queue),
    stateHref: links.queue(job.queue, job.state),
    name: job.name ?? NONE,
    state: job.state,
    malformed: job.malformed,
    apiHref: links.jobApi(job.queue, job.id),
    jobDownloadHref: download('job'),
    facts: [
      time('Created', job.createdAt),
      ...(job.runAt === null ? [] : [time('Runs at', job.runAt)]),
      time('Started', job.startedAt),
      time('Finished', job.finishedAt),
      { label: 'Duration', value: formatDuration(job.durationMs), iso: '' },
      { label: 'Attempts', value: String(job.attempts), iso: '' },
      { label: 'Retries', value: retriesText(r), iso: '' },
      ...(job.stalls ? [{ label: 'Stalls', value: String(job.stalls), iso: '' }] : []),
      ...(job.cancelRequestedAt !== null && job.state === 'active' ? [time('Cancel requested', job.cancelRequestedAt)] : []),
      { label: 'Stored size', value: formatBytes(job.storedBytes), iso: '' },
    ],
    worker: job.worker,
    workerHref: job.worker ? links.worker(job.worker) : '',
    progress:
      job.progress && job.state === 'active'
        ? { percent: clampPercent(job.progress.percent), message: job.progress.message ? shownValue(job.progress.message, download('progress')) : null }
        : null,
    payload: shownValue(job.payload, download('payload')),
    result: job.result ? shownValue(job.result, download('result')) : null,
    error: job.error
      ? {
          message: shownValue(job.error.message, download('error')),
          code: shownValue(job.error.code, download('code')),
          stack: job.error.stack.totalBytes > 0 ? shownValue(job.error.stack, download('stack')) : null,
          last: !failed,
        }
      : null,
    earlierStacks: job.earlierStacks.map((s) => shownValue(s, '')),
    log: {
      lines: job.log.lines.map((l) => ({ time: formatTime(l.at), iso: isoTime(l.at), ...shownValue(l.text, '') })),
      total: job.log.total,
      note: job.log.total > job.log.lines.length ? `showing the newest ${job.log.lines.length} of ${job.log.total} lines` : '',
    },
    options: [
      { label: 'Retries', value: r.configured === null ? NONE : `${r.configured} configured` },
      { label: 'Backoff', value: o.backoff ? `${o.backoff.strategy}, ${formatDuration(o.backoff.delayMs)}` : 'none' },
      { label: 'Timeout', value: o.timeoutMs ? formatDuration(o.timeoutMs) : 'none' },
      ...(o.delayUntil ? [{ label: 'Run at', value: formatTime(o.delayUntil) }] : []),
      { label: 'Keep result', value: o.keepResultSeconds === null ? NONE : formatDuration(o.keepResultSeconds * 1000) },
      { label: 'Keep failure', value: o.keepFailedSeconds === null ? NONE : formatDuration(o.keepFailedSeconds * 1000) },
    ],
    optionsJson: shownValue(job.optionsJson, download('job')),
    canRetry: canWrite && failed,
    canRemove: canWrite && job.state !== 'active',
    canPromote: canWrite && job.state === 'delayed',
    canCancel: canWrite && (job.state === 'waiting' || job.state === 'delayed' || job.state === 'deferred' || job.state === 'active'),
    cancelAction: links.cancelJob(job.queue, job.id),
    cancelConfirm: `Cancel job ${job.id} of ${job.queue}?${job.state === 'active' ? ' Its handler is told to stop; it ends canceled.' : ''}`,
    retryAction: links.retryJob(job.queue, job.id),
    removeAction: links.removeJob(job.queue, job.id),
    promoteAction: links.promoteJob(job.queue, job.id),
    removeConfirm: `Remove job ${job.id} from ${job.queue}? This cannot be undone.`,
  };
}

function time(label: string, ms: number | null | undefined) {
  return { label, value: formatTime(ms), iso: isoTime(ms) };
}

/** `2 configured · 1 used · 1 left`. */
function retriesText(r: JobDetail['retries']): string {
  if (r.configured === null && r.left === null) return NONE;
  const parts = [r.configured === null ? null : `${r.configured} configured`, r.used === null ? null : `${r.used} used`, r.left === null ? null : `${r.left} left`];
  return parts.filter(Boolean).join(' · ');
}

function clampPercent(p: number): number {
  return Math.max(0, Math.min(100, Math.round(p)));
}
