import type { Redis } from 'ioredis';
import { queueKeys } from './keys';

/** Every state change a job event records. */
export const JOB_EVENT_NAMES = ['waiting', 'delayed', 'active', 'progress', 'succeeded', 'failed', 'retrying', 'stalled', 'removed', 'canceled', 'paused', 'resumed', 'deferred'] as const;
/** A job event name. */
export type JobEventName = (typeof JOB_EVENT_NAMES)[number];

/**
 * One job event of a queue's job event stream (`QueueKeys.events`). An entry
 * holds one event, except the `active` entry of a take, which holds the events
 * of every job the take started in that queue (see {@link parseJobEvents}).
 */
export interface JobEvent {
  /** Queue the job is on. */
  readonly queue: string;
  /**
   * Stream entry id (`<ms>-<seq>`), increasing; resume reading after it. The
   * `active` events of one take share their entry's id.
   */
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

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Parses one stream entry's flat field list into its job events: none for an
 * entry that is not a job event, one for most entries, and several for an
 * `active` entry of a take that started several jobs (the first job in the
 * entry's `id`, `name` and `data` fields, the others in `more`, a JSON array of
 * `[id, name, attempt]`). Every event of an entry has the entry's `streamId`.
 */
export function parseJobEvents(queue: string, streamId: string, fields: readonly string[]): JobEvent[] {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  if (!EVENT_SET.has(f['ev']) || f['id'] === undefined) return [];
  const event = f['ev'] as JobEventName;
  const at = Number(f['at']) || 0;
  const data = parseJson(f['data']);
  const first: JobEvent = { queue, streamId, event, id: f['id'], name: f['name'] ?? '', at, ...(data === undefined ? {} : { data }) };
  const more = event === 'active' ? parseJson(f['more']) : undefined;
  if (!Array.isArray(more)) return [first];
  const events = [first];
  for (const m of more as unknown[]) {
    if (!Array.isArray(m) || typeof m[0] !== 'string') continue;
    const [id, name, attempt] = m as [string, unknown, unknown];
    events.push({ queue, streamId, event, id, name: typeof name === 'string' ? name : '', at, ...(typeof attempt === 'number' ? { data: { attempt } } : {}) });
  }
  return events;
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
      for (const e of parseJobEvents(queue, id, fields)) events.push(e);
    }
  }
  return events;
}

/** The id of the newest entry of a queue's event stream, `'0-0'` when it is empty. */
export async function lastJobEventId(redis: Redis, prefix: string, queue: string): Promise<string> {
  const [last] = await redis.xrevrange(queueKeys(prefix, queue).events, '+', '-', 'COUNT', 1);
  return last ? last[0] : '0-0';
}
