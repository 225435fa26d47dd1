import type { Redis } from 'ioredis';
import type { JobState, QueueKeys } from '../keys';

/** Parents and children listed per job page (the totals are exact). */
export const MOST_LISTED_LINKS = 50;

/** A parent or child of a job, with its state (`missing`: deleted since). */
export interface DependencyLink {
  readonly id: string;
  readonly state: JobState | 'missing';
}

/** A job's dependencies (see `EnqueueOptions.dependsOn`), bounded for a page. */
export interface JobDependencies {
  /** The first {@link MOST_LISTED_LINKS} parents, in the order given at enqueue. */
  readonly parents: readonly DependencyLink[];
  readonly parentsTotal: number;
  /** Parents not succeeded yet (a deferred job waits for these). */
  readonly pendingParents: number;
  /** Up to {@link MOST_LISTED_LINKS} children, by id. */
  readonly children: readonly DependencyLink[];
  readonly childrenTotal: number;
  /** The parent whose failure (or removal) failed this job, if that is how it failed. */
  readonly failedParent: string | null;
}

/** Reads a job's parents and children with their states: two round trips, bounded whatever the fan-in or fan-out. */
export async function readDependencies(redis: Redis, k: QueueKeys, id: string): Promise<JobDependencies> {
  const first = await redis
    .multi()
    .lrange(k.parents(id), 0, MOST_LISTED_LINKS - 1)
    .llen(k.parents(id))
    .scard(k.deps(id))
    .sscan(k.children(id), 0, 'COUNT', MOST_LISTED_LINKS * 2)
    .scard(k.children(id))
    .hget(k.run(id), 'failedParent')
    .exec();
  const v = (i: number): unknown => {
    const [err, value] = first?.[i] ?? [new Error('transaction aborted'), null];
    if (err) throw err;
    return value;
  };
  const parentIds = v(0) as string[];
  const childIds = [...new Set((v(3) as [string, string[]])[1])].sort(byId).slice(0, MOST_LISTED_LINKS);
  const states = await jobStates(redis, k, [...parentIds, ...childIds]);
  return {
    parents: parentIds.map((pid, i) => ({ id: pid, state: states[i] })),
    parentsTotal: Number(v(1)),
    pendingParents: Number(v(2)),
    children: childIds.map((cid, i) => ({ id: cid, state: states[parentIds.length + i] })),
    childrenTotal: Number(v(4)),
    failedParent: (v(5) as string | null) ?? null,
  };
}

/** The state of each job (one pipeline). */
export async function jobStates(redis: Redis, k: QueueKeys, ids: readonly string[]): Promise<(JobState | 'missing')[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.hexists(k.jobs, id).sismember(k.succeeded, id).sismember(k.failed, id).zscore(k.delayed, id).zscore(k.deferred, id).lpos(k.active, id).zscore(k.index('canceled'), id);
  }
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => {
    const r = (j: number) => replies[i * 7 + j]?.[1];
    if (r(0) !== 1) return 'missing';
    return stateOf({ succeeded: r(1) === 1, failed: r(2) === 1, delayed: r(3) != null, deferred: r(4) != null, active: r(5) != null, canceled: r(6) != null });
  });
}

/** Which state a job is in, from the structures that hold it. */
export function stateOf(s: { succeeded: boolean; failed: boolean; delayed: boolean; deferred: boolean; active: boolean; canceled?: boolean }): JobState {
  if (s.canceled) return 'canceled';
  if (s.succeeded) return 'succeeded';
  if (s.failed) return 'failed';
  if (s.deferred) return 'deferred';
  if (s.delayed) return 'delayed';
  if (s.active) return 'active';
  return 'waiting';
}

function byId(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
