import type { Redis } from 'ioredis';
import { queueKeys } from './keys';

/** Every state change a job event records. */
export const JOB_EVENT_NAMES = ['waiting', 'delayed', 'active', 'progress', 'succeeded', 'failed', 'retrying', 'stalled', 'removed', 'canceled', 'paused', 'resumed', 'deferred'] as const;
/** A job event name. */
export type JobEventName = (typeof JOB_EVENT_NAMES)[number];

/** One entry of a queue's job event stream (`QueueKeys.events`). */
export interface JobEvent {
  /** Queue the job is on. */
  readonly queue: string;
  /** Stream entry id (`<ms>-<seq>`), increasing; resume reading after it. */
  readonly streamId: string;
  readonly event: JobEventName;
  /** Job id ('' for the queue events `paused` and `resumed`). */
  readonly id: string;
  /** Job name ('' when unknown). */
  readonly name: string;
  /** When the change happened, ms since the epoch. */
  readonly at: number;
  /**
   * Small JSON detail: `{percent, message?}` (progress), `{message, code}`
   * (failed, retrying, plus `runAt`), `{attempt}` (active), `{runAt}` (delayed),
   * `{stalls}` (stalled), `{parents}` (deferred: parents not succeeded yet); a
   * failure caused by a parent (`JOBQ_PARENT_FAILED`) adds `parent`.
   */
  readonly data?: unknown;
}

const EVENT_SET: ReadonlySet<string> = new Set(JOB_EVENT_NAMES);

/** Parses one stream entry's flat field list; `null` for an entry that is not a job event. */
export function parseJobEvent(queue: string, streamId: string, fields: readonly string[]): JobEvent | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  if (!EVENT_SET.has(f['ev']) || f['id'] === undefined) return null;
  let data: unknown;
  if (f['data'] !== undefined) {
    try {
      data = JSON.parse(f['data']);
    } catch {
      data = undefined;
    }
  }
  return {
    queue,
    streamId,
    event: f['ev'] as JobEventName,
    id: f['id'],
    name: f['name'] ?? '',
    at: Number(f['at']) || 0,
    ...(data === undefined ? {} : { data }),
  };
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * One XREAD over the event streams of the queues in `cursor` (queue -> last seen
 * stream id, or `'$'` for "only new ones"), blocking up to `blockMs` when > 0.
 * Advances `cursor` in place past what it returns. Give it a connection of its
 * own when it blocks.
 */
export async function readJobEvents(
  redis: Redis,
  prefix: string,
  cursor: Map<string, string>,
  options: { readonly blockMs: number; readonly count: number },
): Promise<JobEvent[]> {
  const queues = [...cursor.keys()];
  if (queues.length === 0) return [];
  const keys = queues.map((q) => queueKeys(prefix, q).events);
  const byKey = new Map(keys.map((k, i) => [k, queues[i]]));
  const args: (string | number)[] = ['COUNT', options.count];
  if (options.blockMs > 0) args.push('BLOCK', options.blockMs);
  args.push('STREAMS', ...keys, ...queues.map((q) => cursor.get(q) ?? '$'));
  const reply = (await (redis as unknown as { xread(...a: (string | number)[]): Promise<XReadReply> }).xread(...args)) ?? [];
  const events: JobEvent[] = [];
  for (const [key, entries] of reply) {
    const queue = byKey.get(key);
    if (queue === undefined) continue;
    for (const [id, fields] of entries) {
      cursor.set(queue, id);
      const e = parseJobEvent(queue, id, fields);
      if (e) events.push(e);
    }
  }
  return events;
}

/** The id of the newest entry of a queue's event stream, `'0-0'` when it is empty. */
export async function lastJobEventId(redis: Redis, prefix: string, queue: string): Promise<string> {
  const [last] = await redis.xrevrange(queueKeys(prefix, queue).events, '+', '-', 'COUNT', 1);
  return last ? last[0] : '0-0';
}
