import { TAKE_FUNCTION } from './fetch-jobs';
import { DEPENDENCY_FUNCTIONS } from './dependencies';
import { HOURLY_FUNCTION } from './hourly';

/**
 * Records the end of one attempt atomically, mirroring bee-queue's own
 * bookkeeping (jobs hash, active list, stalling/succeeded/failed sets, delayed
 * zset) and adding ours: the run record with result or error, the ordered
 * history index (per state and per job name), the retention deadline, the
 * per-minute throughput counters and a `succeeded` / `failed` / `retrying` event.
 *
 * KEYS: 1 jobs, 2 active, 3 stalling, 4 waiting, 5 delayed, 6 finished set
 *       (succeeded|failed), 7 state index, 8 name index, 9 expiry, 10 run record,
 *       11 throughput bucket, 12 events, 13 wake, 14 hourly history bucket
 * ARGV: 1 id, 2 outcome (succeeded|failed|retry), 3 job JSON, 4 now ms,
 *       5 duration ms, 6 result JSON or error message, 7 error code, 8 stack,
 *       9 expire-at ms, 10 retry-at ms (0 = at once), 11 throughput TTL s,
 *       12 progress JSON ('' = none), 13 job name, 14 events max length,
 *       15 hourly bucket TTL s, 16 duration bucket index (see `durationBucket`)
 * then, in the same round trip, takes the next jobs for the slot it frees
 * (`take(14, 16)`: KEYS from 15 and ARGV from 17 as in FETCH_JOBS; max 0 takes none).
 *
 * The hourly bucket is counted by `countHour` (see `HOURLY_FUNCTION`). A final
 * outcome releases (succeeded) or fails (failed) the job's deferred children in
 * the same call (`finishDependencies`, see `DEPENDENCY_FUNCTIONS`).
 * Returns { code, taken jobs, earliest delayed }: code 1 when recorded, 0 when the
 * job is already running elsewhere (it was recovered as stalled and taken by
 * another worker), -1 when it was removed.
 */
export const FINISH_JOB = `${TAKE_FUNCTION}${HOURLY_FUNCTION}${DEPENDENCY_FUNCTIONS}
local function finish()
local id = ARGV[1]
local outcome = ARGV[2]
local removed = redis.call('lrem', KEYS[2], 0, id)
redis.call('srem', KEYS[3], id)
if removed == 0 then
  -- Stall recovery put the job back while this attempt was still running. If it
  -- still waits, take it back out so it does not run twice; if another worker
  -- already runs it, leave the outcome to that worker.
  if redis.call('lrem', KEYS[4], 0, id) == 0 and redis.call('zrem', KEYS[5], id) == 0 then
    return 0
  end
end
if redis.call('hexists', KEYS[1], id) == 0 then
  return -1
end
redis.call('hset', KEYS[1], id, ARGV[3])
local run = KEYS[10]
local now, name, maxlen = ARGV[4], ARGV[13], ARGV[14]
if ARGV[12] ~= '' then redis.call('hset', run, 'progress', ARGV[12]) end
if outcome == 'retry' then
  local at = tonumber(ARGV[10])
  local state = 'waiting'
  if at > 0 then
    local head = redis.call('zrange', KEYS[5], 0, 0, 'WITHSCORES')
    redis.call('zadd', KEYS[5], at, id)
    state = 'delayed'
    if not head[2] or at < tonumber(head[2]) then wake(KEYS[13]) end
  else
    redis.call('lpush', KEYS[4], id)
  end
  redis.call('hset', run, 'state', state, 'durationMs', ARGV[5], 'error', ARGV[6], 'errorCode', ARGV[7], 'stack', ARGV[8])
  emit(KEYS[12], maxlen, 'retrying', id, name, now,
    cjson.encode({message = string.sub(ARGV[6], 1, 500), code = string.sub(ARGV[7], 1, 100), runAt = at}))
  return 1
end
redis.call('sadd', KEYS[6], id)
redis.call('zadd', KEYS[7], now, id)
redis.call('zadd', KEYS[8], now, id)
redis.call('zadd', KEYS[9], ARGV[9], id)
if outcome == 'succeeded' then
  redis.call('hset', run, 'state', outcome, 'finishedAt', now, 'durationMs', ARGV[5], 'result', ARGV[6])
  emit(KEYS[12], maxlen, 'succeeded', id, name, now)
else
  redis.call('hset', run, 'state', outcome, 'finishedAt', now, 'durationMs', ARGV[5], 'error', ARGV[6], 'errorCode', ARGV[7], 'stack', ARGV[8])
  emit(KEYS[12], maxlen, 'failed', id, name, now,
    cjson.encode({message = string.sub(ARGV[6], 1, 500), code = string.sub(ARGV[7], 1, 100)}))
end
finishDependencies(run, id, outcome, now, maxlen)
if redis.call('hincrby', KEYS[11], 'processed', 1) == 1 then
  redis.call('expire', KEYS[11], tonumber(ARGV[11]))
end
if outcome == 'failed' then redis.call('hincrby', KEYS[11], 'failed', 1) end
countHour(KEYS[14], ARGV[15], name, outcome == 'failed', ARGV[16], ARGV[5])
return 1
end

local code = finish()
local jobs, earliest = take(14, 16)
return {code, jobs, earliest}
`;
