import type { Redis } from 'ioredis';
import { minuteOf, queueKeys } from './keys';

/** Processed and failed job counts of one minute. */
export interface ThroughputPoint {
  /** Start of the minute, ms since the epoch. */
  readonly minuteStart: number;
  /** Jobs that finished (succeeded or failed for good) in that minute. */
  readonly processed: number;
  /** Of those, the ones that failed. */
  readonly failed: number;
}

/** How long per-minute counters are kept. */
export const THROUGHPUT_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * Reads the per-minute counters of a queue for the last `minutes` minutes (oldest
 * first, the current minute last), in one round trip.
 */
export async function readThroughput(
  redis: Redis,
  prefix: string,
  queue: string,
  minutes = 60,
  now = Date.now(),
): Promise<ThroughputPoint[]> {
  const keys = queueKeys(prefix, queue);
  const last = minuteOf(now);
  const buckets = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
  const pipeline = redis.pipeline();
  for (const m of buckets) pipeline.hmget(keys.throughput(m), 'processed', 'failed');
  const replies = (await pipeline.exec()) ?? [];
  return buckets.map((m, i) => {
    const [err, values] = replies[i] ?? [null, [null, null]];
    const [processed, failed] = err ? [null, null] : (values as (string | null)[]);
    return { minuteStart: m * 60_000, processed: Number(processed ?? 0), failed: Number(failed ?? 0) };
  });
}
