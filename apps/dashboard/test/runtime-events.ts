import type { Worker } from '@jobq/queue-core';
import type { Redis } from 'ioredis';

// Stand-in for the runtime's job event stream (issue 8): until the worker and the
// producer append their entries themselves, browser tests write the entries the
// runtime will write, in the documented format, right after the change.

/** Appends one job event to `<prefix>:<queue>:x:events`. */
export async function emitJobEvent(redis: Redis, prefix: string, queue: string, ev: string, id: string, name: string): Promise<void> {
  await redis.xadd(`${prefix}:${queue}:x:events`, 'MAXLEN', '~', 10_000, '*', 'ev', ev, 'id', id, 'name', name, 'at', String(Date.now()));
}

/** Mirrors a worker's start and finish notifications into the event stream. */
export function mirrorWorkerEvents(worker: Worker, redis: Redis, prefix: string): void {
  worker.on('job:started', (e) => void emitJobEvent(redis, prefix, e.queue, 'active', e.id, e.name));
  worker.on('job:finished', (e) => void emitJobEvent(redis, prefix, e.queue, e.outcome, e.id, e.name));
}
