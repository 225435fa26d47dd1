import { CrossQueueDependencyError, InvalidArgumentError } from './errors';

/** A job a new job can depend on: an id of the same queue, or any `{ queue, id }` (a `JobHandle` is one). */
export type ParentRef = string | { readonly queue: string; readonly id: string };

/**
 * Most parents one job can have. Every parent costs one SADD/SREM and ~1 list
 * entry; the bound keeps one enqueue script call and one job page bounded.
 */
export const MOST_PARENTS = 10_000;

/** Parent ids: bee-queue's counters or custom job ids. */
const PARENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

/**
 * Checks `dependsOn` of a job enqueued on `queue` and returns its parent ids,
 * each once, in the order given. Throws `CrossQueueDependencyError` for a parent
 * of another queue and `InvalidArgumentError` for a malformed list or id (the
 * message names `itemPath`, the index of a bulk item).
 */
export function resolveParents(queue: string, dependsOn: unknown, itemPath = '', item: number | null = null): string[] {
  if (dependsOn === undefined) return [];
  const where = [itemPath, 'dependsOn'].filter((s) => s !== '').join('.');
  if (!Array.isArray(dependsOn)) throw new InvalidArgumentError(`${where} must be an array of job ids or job handles`);
  if (dependsOn.length > MOST_PARENTS) throw new InvalidArgumentError(`${where} lists ${dependsOn.length} parents; at most ${MOST_PARENTS} are allowed`);
  const seen = new Set<string>();
  for (const [i, ref] of dependsOn.entries()) {
    let id: unknown = ref;
    if (ref !== null && typeof ref === 'object') {
      const r = ref as { queue?: unknown; id?: unknown };
      if (typeof r.queue !== 'string' || typeof r.id !== 'string') throw new InvalidArgumentError(`${where}.${i} must be a job id or an object with string "queue" and "id"`);
      if (r.queue !== queue) throw new CrossQueueDependencyError(queue, r.queue, r.id, item);
      id = r.id;
    }
    if (typeof id !== 'string' || !PARENT_ID.test(id)) throw new InvalidArgumentError(`${where}.${i} must be a job id (1-200 letters, digits, ".", "_", ":", "@" or "-")`);
    seen.add(id);
  }
  return [...seen];
}
