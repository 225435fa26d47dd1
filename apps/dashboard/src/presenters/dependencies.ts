import type { JobDependencies, JobState } from '@jobq/queue-core';
import { formatCount } from './format';
import type { Links } from './links';

/**
 * View model of a job's parents and children (jobs enqueued with `dependsOn`),
 * each linked with its state; `null` for a job with neither. The parent that
 * failed the job is named only while the job is failed (a retried job ran anyway).
 */
export function presentDependencies(queue: string, state: JobState, d: JobDependencies, links: Links) {
  if (d.parentsTotal === 0 && d.childrenTotal === 0) return null;
  const link = (l: JobDependencies['parents'][number]) => ({ id: l.id, state: l.state, href: l.state === 'missing' ? '' : links.job(queue, l.id) });
  const more = (shown: number, total: number) => (total > shown ? `showing ${formatCount(shown)} of ${formatCount(total)}` : '');
  return {
    parents: d.parents.map(link),
    parentsTotal: formatCount(d.parentsTotal),
    parentsNote: more(d.parents.length, d.parentsTotal),
    waitingFor: d.pendingParents > 0 ? `waiting for ${formatCount(d.pendingParents)} of them to succeed` : '',
    children: d.children.map(link),
    childrenTotal: formatCount(d.childrenTotal),
    childrenNote: more(d.children.length, d.childrenTotal),
    failedParent: d.failedParent && state === 'failed' ? { id: d.failedParent, href: links.job(queue, d.failedParent) } : null,
  };
}
