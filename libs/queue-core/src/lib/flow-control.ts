import type { Redis } from 'ioredis';
import { InvalidArgumentError } from './errors';
import { EVENT_FUNCTIONS } from './lua/events';
import { queueKeys } from './keys';

/**
 * A queue's rate limit: at most `max` job starts per fixed window of
 * `intervalMs`, counted across every worker. Jobs over it wait (they never fail).
 */
export interface RateLimit {
  /** Job starts allowed per window, 1-1,000,000. */
  readonly max: number;
  /** Window length, ms, 1-86,400,000. */
  readonly intervalMs: number;
}

/** A queue's flow control, as stored in its `flow` hash. */
export interface QueueFlow {
  readonly queue: string;
  /** Workers take no job from a paused queue (running ones finish; enqueues still succeed). */
  readonly paused: boolean;
  /** `null` when the queue has no rate limit. */
  readonly rateLimit: RateLimit | null;
}

/** Most starts per window a rate limit accepts. */
export const MOST_RATE_LIMIT_MAX = 1_000_000;
/** Longest rate-limit window, ms (a day). */
export const MOST_RATE_LIMIT_INTERVAL_MS = 86_400_000;

/**
 * Pauses or resumes a queue (one script: the flag, a `paused` / `resumed` event on
 * the queue's stream and, on resume, a wake-up token so blocked workers take jobs
 * at once). Resolves `true` when the state changed, `false` when it already was so.
 *
 * KEYS: 1 flow, 2 events, 3 wake. ARGV: 1 '1' pause | '0' resume, 2 now ms, 3 events max length.
 */
const SET_PAUSED = `${EVENT_FUNCTIONS}
local was = redis.call('hget', KEYS[1], 'paused') == '1'
if ARGV[1] == '1' then
  if was then return 0 end
  redis.call('hset', KEYS[1], 'paused', '1')
  emit(KEYS[2], ARGV[3], 'paused', '', '', ARGV[2])
  return 1
end
if not was then return 0 end
redis.call('hdel', KEYS[1], 'paused')
emit(KEYS[2], ARGV[3], 'resumed', '', '', ARGV[2])
wake(KEYS[3])
return 1
`;

/**
 * Sets (ARGV 1 max, 2 ms) or clears (no ARGV) the rate limit, and wakes a
 * worker: one sleeping until the end of the old window takes jobs at once if the
 * new limit allows it. KEYS: 1 flow, 2 wake.
 */
const SET_RATE_LIMIT = `
if #ARGV == 0 then
  redis.call('hdel', KEYS[1], 'limitMax', 'limitMs')
else
  redis.call('hset', KEYS[1], 'limitMax', ARGV[1], 'limitMs', ARGV[2])
end
if redis.call('llen', KEYS[2]) == 0 then redis.call('lpush', KEYS[2], '1') end
return 1
`;

/** Pauses (`paused` = true) or resumes queue `queue`; `true` when its state changed. */
export async function setQueuePaused(redis: Redis, prefix: string, queue: string, paused: boolean, eventsMaxLen: number, now = Date.now()): Promise<boolean> {
  const k = queueKeys(prefix, queue);
  const changed = await redis.eval(SET_PAUSED, 3, k.flow, k.events, k.wake, paused ? '1' : '0', now, eventsMaxLen);
  return Number(changed) === 1;
}

/** Checks a rate limit; throws `InvalidArgumentError` naming the bad field. */
export function assertRateLimit(limit: RateLimit): void {
  if (!Number.isSafeInteger(limit.max) || limit.max < 1 || limit.max > MOST_RATE_LIMIT_MAX) {
    throw new InvalidArgumentError(`rate limit max must be a whole number from 1 to ${MOST_RATE_LIMIT_MAX}`);
  }
  if (!Number.isSafeInteger(limit.intervalMs) || limit.intervalMs < 1 || limit.intervalMs > MOST_RATE_LIMIT_INTERVAL_MS) {
    throw new InvalidArgumentError(`rate limit interval must be a whole number of milliseconds from 1 to ${MOST_RATE_LIMIT_INTERVAL_MS}`);
  }
}

/** Sets queue `queue`'s rate limit, or clears it with `null`. Takes effect at the workers' next take. */
export async function setQueueRateLimit(redis: Redis, prefix: string, queue: string, limit: RateLimit | null): Promise<void> {
  const k = queueKeys(prefix, queue);
  if (limit === null) {
    await redis.eval(SET_RATE_LIMIT, 2, k.flow, k.wake);
    return;
  }
  assertRateLimit(limit);
  await redis.eval(SET_RATE_LIMIT, 2, k.flow, k.wake, limit.max, limit.intervalMs);
}

/** The flow control of each queue, in one round trip. */
export async function readQueueFlow(redis: Redis, prefix: string, queues: readonly string[]): Promise<QueueFlow[]> {
  if (queues.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const q of queues) pipeline.hmget(queueKeys(prefix, q).flow, 'paused', 'limitMax', 'limitMs');
  const replies = (await pipeline.exec()) ?? [];
  return queues.map((queue, i) => {
    const [err, v] = replies[i] ?? [null, []];
    if (err) throw err;
    const [paused, max, ms] = (v as (string | null)[]) ?? [];
    const limit = max && ms ? { max: Number(max), intervalMs: Number(ms) } : null;
    return { queue, paused: paused === '1', rateLimit: limit && limit.max > 0 && limit.intervalMs > 0 ? limit : null };
  });
}

/**
 * Parses `<max>/<interval>` (`50/1000`, `50/1s`, `600/1m`, `10/500ms`) into a
 * {@link RateLimit}; throws `InvalidArgumentError` for anything else.
 */
export function parseRateLimit(text: string): RateLimit {
  const m = /^\s*(\d{1,7})\s*\/\s*(\d{1,8})\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new InvalidArgumentError(`rate limit must look like <max>/<interval>, e.g. 50/1000 (ms), 50/1s or 600/1m; got "${text.slice(0, 50)}"`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[3] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  const limit = { max: Number(m[1]), intervalMs: Number(m[2]) * unit };
  assertRateLimit(limit);
  return limit;
}
