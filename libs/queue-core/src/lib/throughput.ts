import type { Redis } from 'ioredis';
import { hourOf, minuteOf, queueKeys, type QueueKeys } from './keys';
import { QueueScripts } from './lua';

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

/** Buckets read per script call (each call holds Redis for about as many commands). */
const BUCKETS_PER_CALL = { m: 240, h: 48 } as const;

/**
 * Reads `total` consecutive buckets of one kind (`m`: per-minute counters, `h`:
 * hourly history, see `READ_THROUGHPUT`) from bucket `first` on, one script call
 * per slice, all in flight at once, and hands each slice's reply to `use` as it
 * arrives (with the slice's offset), so no more than one slice's reply is held.
 */
async function readBuckets<K extends 'm' | 'h'>(
  redis: Redis,
  keys: QueueKeys,
  kind: K,
  first: number,
  total: number,
  use: (offset: number, reply: K extends 'm' ? (string | null)[] : string[][]) => void,
): Promise<void> {
  const scripts = new QueueScripts(redis);
  const calls: Promise<void>[] = [];
  for (let offset = 0; offset < total; offset += BUCKETS_PER_CALL[kind]) {
    const count = Math.min(BUCKETS_PER_CALL[kind], total - offset);
    calls.push(scripts.readThroughput([keys.jobs], [keys.base, kind, first + offset, count]).then((reply) => use(offset, reply)));
  }
  await Promise.all(calls);
}

/**
 * Reads the per-minute counters of a queue for the last `minutes` minutes (oldest
 * first, the current minute last): one script call per 240 minutes.
 */
export async function readThroughput(
  redis: Redis,
  prefix: string,
  queue: string,
  minutes = 60,
  now = Date.now(),
): Promise<ThroughputPoint[]> {
  const first = minuteOf(now) - minutes + 1;
  const points: ThroughputPoint[] = new Array<ThroughputPoint>(minutes);
  await readBuckets(redis, queueKeys(prefix, queue), 'm', first, minutes, (offset, values) => {
    for (let i = 0; 2 * i < values.length; i += 1) {
      points[offset + i] = { minuteStart: (first + offset + i) * 60_000, processed: count(values[2 * i]), failed: count(values[2 * i + 1]) };
    }
  });
  return points;
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

/** Per-name sums over hourly buckets. */
interface NameSums {
  processed: number;
  failed: number;
  sum: number;
  buckets: number[];
}

/**
 * Adds one hourly bucket (its HGETALL field/value list) to `perName` and returns
 * the hour's totals, which are the sums over its names (see HOURLY_FUNCTION).
 * Fields: `c:<name>` count, `x:<name>` failed, `s:<name>` summed ms,
 * `d<bucket>:<name>` jobs per duration bucket; others (`names`, and the `p`/`f`
 * totals of earlier releases) are skipped.
 */
function addHour(flat: readonly string[], perName: Map<string, NameSums>): { processed: number; failed: number } {
  let processed = 0;
  let failed = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i];
    const colon = field.indexOf(':');
    if (colon < 1) continue;
    const kind = field.slice(0, colon);
    let bucket = -1;
    if (kind.length > 1) {
      if (kind[0] !== 'd' || !/^d\d{1,2}$/.test(kind)) continue;
      bucket = Number(kind.slice(1));
    } else if (kind !== 'c' && kind !== 'x' && kind !== 's') {
      continue;
    }
    const name = field.slice(colon + 1);
    let entry = perName.get(name);
    if (!entry) {
      entry = { processed: 0, failed: 0, sum: 0, buckets: new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0) };
      perName.set(name, entry);
    }
    const n = count(flat[i + 1]);
    if (kind === 'c') {
      entry.processed += n;
      processed += n;
    } else if (kind === 'x') {
      entry.failed += n;
      failed += n;
    } else if (kind === 's') {
      entry.sum += n;
    } else if (bucket < entry.buckets.length) {
      entry.buckets[bucket] += n;
    }
  }
  return { processed, failed };
}

/** Reads `hours` hourly buckets (oldest first): their totals and the per-name figures summed over them. */
async function readHourly(
  redis: Redis,
  keys: QueueKeys,
  hours: number,
  now: number,
): Promise<{ points: { start: number; processed: number; failed: number }[]; names: NameHistory[] }> {
  const first = hourOf(now) - hours + 1;
  const points = new Array<{ start: number; processed: number; failed: number }>(hours);
  const perName = new Map<string, NameSums>();
  await readBuckets(redis, keys, 'h', first, hours, (offset, hashes) => {
    for (let i = 0; i < hashes.length; i += 1) points[offset + i] = { start: (first + offset + i) * 3_600_000, ...addHour(hashes[i] ?? [], perName) };
  });
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
function count(raw: string | null | undefined): number {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
