import type { Redis } from 'ioredis';

/**
 * The dashboard's reader of the per-queue job event streams, written against the
 * documented stream format (key `<prefix>:<queue>:x:events`; fields `ev`, `id`,
 * `name`, `at`, optional `data`). It is what queue-core's `readJobEvents` does;
 * kept here so the inspection layer depends on the format, not on the runtime.
 */
export interface QueueEvent {
  readonly queue: string;
  /** Stream entry id (`<ms>-<seq>`). */
  readonly streamId: string;
  /** waiting, delayed, active, progress, succeeded, failed, retrying, stalled, removed. */
  readonly event: string;
  readonly id: string;
  readonly name: string;
  readonly at: number;
}

/** The event stream key of a queue. */
export function eventStreamKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:x:events`;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * One XREAD over the event streams of the queues in `cursor` (queue -> last seen
 * id, or `$` for new entries only), blocking up to `blockMs` when > 0; advances
 * `cursor` in place. Give it a connection of its own when it blocks. Names and
 * ids are cut to 200 characters (a stream entry is written by whoever can XADD).
 */
export async function readQueueEvents(
  redis: Redis,
  prefix: string,
  cursor: Map<string, string>,
  options: { readonly blockMs: number; readonly count: number },
): Promise<QueueEvent[]> {
  const queues = [...cursor.keys()];
  if (queues.length === 0) return [];
  const keys = queues.map((q) => eventStreamKey(prefix, q));
  const byKey = new Map(keys.map((k, i) => [k, queues[i]]));
  const args: (string | number)[] = ['COUNT', options.count];
  if (options.blockMs > 0) args.push('BLOCK', options.blockMs);
  args.push('STREAMS', ...keys, ...queues.map((q) => cursor.get(q) ?? '$'));
  const reply = (await (redis as unknown as { xread(...a: (string | number)[]): Promise<XReadReply> }).xread(...args)) ?? [];
  const out: QueueEvent[] = [];
  for (const [key, entries] of reply) {
    const queue = byKey.get(key);
    if (queue === undefined) continue;
    for (const [streamId, fields] of entries) {
      cursor.set(queue, streamId);
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      if (typeof f['ev'] !== 'string' || typeof f['id'] !== 'string') continue;
      out.push({ queue, streamId, event: f['ev'].slice(0, 20), id: f['id'].slice(0, 200), name: (f['name'] ?? '').slice(0, 200), at: Number(f['at']) || 0 });
    }
  }
  return out;
}
