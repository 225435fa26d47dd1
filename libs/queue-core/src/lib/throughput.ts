import type { Redis } from 'ioredis';
import { hourOf, minuteOf, queueKeys } from './keys';

/** Processed and failed job counts of one minute. */
export interface ThroughputPoint {
  /** Start of the minute, ms since the epoch. */
  readonly minuteStart: number;
  /** Jobs that finished (succeeded or failed for good) in that minute. */
  readonly processed: number;
  /** Of those, the ones that failed. */
  readonly failed: number;
}

/** How long per-minute counters are kept (a full day, plus the hour being read). */
export const THROUGHPUT_RETENTION_SECONDS = 25 * 60 * 60;

/** How long hourly history buckets are kept (30 days, plus a day of margin). */
export const HISTORY_RETENTION_SECONDS = 31 * 24 * 60 * 60;

/**
 * Upper edges (ms, inclusive) of the log-scale duration buckets of the hourly
 * history: 1-2-5 steps from 1 ms to 1,000 s; bucket `DURATION_BUCKETS_MS.length`
 * holds anything longer.
 */
export const DURATION_BUCKETS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
] as const;

/** The duration bucket of `ms` (index into `DURATION_BUCKETS_MS`, or its length for longer). */
export function durationBucket(ms: number): number {
  const d = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  const i = DURATION_BUCKETS_MS.findIndex((edge) => d <= edge);
  return i < 0 ? DURATION_BUCKETS_MS.length : i;
}

/**
 * Estimates the `q` quantile (0-1) from duration bucket counts, interpolating
 * linearly inside the bucket it falls in; `null` without data. A quantile in the
 * overflow bucket is reported as its lower edge (1,000 s).
 */
export function estimateQuantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    const n = buckets[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= DURATION_BUCKETS_MS.length) return DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1];
      const lo = i === 0 ? 0 : DURATION_BUCKETS_MS[i - 1];
      const hi = DURATION_BUCKETS_MS[i];
      return lo + ((hi - lo) * Math.max(0, rank - seen)) / n;
    }
    seen += n;
  }
  return DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1];
}

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

/** The two history views: 24 h by minute, 30 days by hour. */
export const HISTORY_RANGES = {
  day: { resolution: 'minute', points: 24 * 60, stepMs: 60_000 },
  month: { resolution: 'hour', points: 30 * 24, stepMs: 3_600_000 },
} as const;
/** A history view (see {@link HISTORY_RANGES}). */
export type HistoryRange = keyof typeof HISTORY_RANGES;

/** Finished jobs of one job name over a history range. */
export interface NameHistory {
  /** Job name; `(other)` gathers names past the 50th of an hour. */
  readonly name: string;
  readonly processed: number;
  readonly failed: number;
  /** Mean duration, ms. */
  readonly meanMs: number | null;
  /** Duration percentiles estimated from log-scale buckets, ms. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

/** Throughput history of one queue. */
export interface ThroughputHistory {
  readonly queue: string;
  readonly range: HistoryRange;
  readonly resolution: 'minute' | 'hour';
  /** One point per minute or hour, oldest first, the current one last. */
  readonly points: readonly { readonly start: number; readonly processed: number; readonly failed: number }[];
  /** Per job name over the range (by hour, so the day view covers the last 24 full or current hours), most processed first. */
  readonly names: readonly NameHistory[];
}

/** Most names listed in a history (the busiest). */
const MOST_HISTORY_NAMES = 200;

/**
 * Reads a queue's throughput history: 24 h at minute resolution (`day`) or 30
 * days at hour resolution (`month`), with per-job-name counts, failures and
 * duration percentiles (from the hourly buckets). Pipelined, in chunks.
 */
export async function readThroughputHistory(redis: Redis, prefix: string, queue: string, range: HistoryRange, now = Date.now()): Promise<ThroughputHistory> {
  const spec = HISTORY_RANGES[range];
  const [minutes, hourly] = await Promise.all([
    spec.resolution === 'minute' ? readThroughput(redis, prefix, queue, spec.points, now) : Promise.resolve([]),
    readHourly(redis, queueKeys(prefix, queue), spec.resolution === 'minute' ? 24 : spec.points, now),
  ]);
  const points = spec.resolution === 'minute' ? minutes.map((p) => ({ start: p.minuteStart, processed: p.processed, failed: p.failed })) : hourly.points;
  const names = hourly.names;
  return { queue, range, resolution: spec.resolution, points, names };
}

/**
 * Per-job-name counts, failures and duration percentiles over the last `hours`
 * hours (the current one included), most processed first (at most 200 names).
 */
export async function readNameHistory(redis: Redis, prefix: string, queue: string, hours = 24, now = Date.now()): Promise<NameHistory[]> {
  return (await readHourly(redis, queueKeys(prefix, queue), hours, now)).names;
}

/** Reads `hours` hourly buckets (oldest first): their totals and the per-name figures summed over them. */
async function readHourly(
  redis: Redis,
  keys: ReturnType<typeof queueKeys>,
  hours: number,
  now: number,
): Promise<{ points: { start: number; processed: number; failed: number }[]; names: NameHistory[] }> {
  const points: { start: number; processed: number; failed: number }[] = [];
  const last = hourOf(now);
  const perName = new Map<string, { processed: number; failed: number; sum: number; buckets: number[] }>();
  const CHUNK = 48;
  for (let from = 0; from < hours; from += CHUNK) {
    const slice = Array.from({ length: Math.min(CHUNK, hours - from) }, (_, i) => last - hours + 1 + from + i);
    const pipeline = redis.pipeline();
    for (const h of slice) pipeline.hgetall(keys.throughputHour(h));
    const replies = (await pipeline.exec()) ?? [];
    slice.forEach((h, i) => {
      const [err, value] = replies[i] ?? [null, {}];
      const hash = err ? {} : ((value ?? {}) as Record<string, string>);
      // The hour's totals are the sums over its names (see HOURLY_FUNCTION).
      const point = { start: h * 3_600_000, processed: 0, failed: 0 };
      points.push(point);
      for (const [field, raw] of Object.entries(hash)) {
        const m = /^(c|x|s|d(\d{1,2})):(.*)$/s.exec(field);
        if (!m) continue;
        const name = m[3];
        let entry = perName.get(name);
        if (!entry) {
          entry = { processed: 0, failed: 0, sum: 0, buckets: new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0) };
          perName.set(name, entry);
        }
        const n = count(raw);
        if (m[1] === 'c') {
          entry.processed += n;
          point.processed += n;
        } else if (m[1] === 'x') {
          entry.failed += n;
          point.failed += n;
        } else if (m[1] === 's') {
          entry.sum += n;
        } else {
          const b = Number(m[2]);
          if (b < entry.buckets.length) entry.buckets[b] += n;
        }
      }
    });
  }
  const names: NameHistory[] = [...perName]
    .map(([name, e]) => ({
      name,
      processed: e.processed,
      failed: e.failed,
      // Jobs failed by the stall limit are counted without a duration.
      meanMs: timed(e.buckets) > 0 ? e.sum / timed(e.buckets) : null,
      p50Ms: estimateQuantile(e.buckets, 0.5),
      p95Ms: estimateQuantile(e.buckets, 0.95),
      p99Ms: estimateQuantile(e.buckets, 0.99),
    }))
    .sort((a, b) => b.processed - a.processed || a.name.localeCompare(b.name))
    .slice(0, MOST_HISTORY_NAMES);
  return { points, names };
}

/** How many jobs the duration buckets hold. */
function timed(buckets: readonly number[]): number {
  return buckets.reduce((a, b) => a + b, 0);
}

/** A stored counter, 0 when missing or malformed. */
function count(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
