import { TAKE_FUNCTION } from './fetch-jobs';
import { CANCELED_FUNCTIONS } from './cancel';
import { DEPENDENCY_FUNCTIONS } from './dependencies';
import { HOURLY_FUNCTION } from './hourly';

/** KEYS of `FINISH_JOBS` shared by every job of a batch (one queue's). */
export const FINISH_FIXED_KEYS = 15;
/** KEYS of `FINISH_JOBS` per job, after the fixed ones. */
export const FINISH_KEYS_PER_JOB = 2;
/** ARGV of `FINISH_JOBS` before the per-job fields. */
export const FINISH_FIXED_ARGS = 5;
/** ARGV of `FINISH_JOBS` per job. */
export const FINISH_ARGS_PER_JOB = 13;

/**
 * Records the end of one attempt of each of a batch of jobs of one queue,
 * atomically, mirroring bee-queue's own bookkeeping (jobs hash, active list,
 * stalling/succeeded/failed sets, delayed zset) and adding ours: the run record
 * with result or error, the ordered history index (per state and per job name),
 * the retention deadline, the per-minute and hourly throughput counters and a
 * `succeeded` / `failed` / `retrying` event per job. Writes shared by the batch
 * (index entries, set members, counters) are one variadic command per key, so a
 * batch of n jobs costs far fewer commands than n single finishes.
 *
 * KEYS: 1 jobs, 2 active, 3 stalling, 4 waiting, 5 delayed, 6 succeeded set,
 *       7 failed set, 8 succeeded index, 9 failed index, 10 expiry,
 *       11 throughput bucket (minute), 12 events, 13 wake, 14 hourly history bucket,
 *       15 canceling set (running jobs an operator canceled, see `CANCEL_JOB`);
 *       then per job: run record, name index of its final state
 * ARGV: 1 job count n, 2 now ms, 3 throughput TTL s, 4 events max length,
 *       5 hourly bucket TTL s; then per job: id, outcome (succeeded|failed|retry),
 *       job JSON to store ('' = leave the stored JSON as it is), finished-at ms,
 *       duration ms, result JSON or error message, error code, stack, expire-at
 *       ms, retry-at ms (0 = at once), progress JSON ('' = none), job name,
 *       duration bucket index (see `durationBucket`)
 * then, in the same round trip, takes the next jobs for the slots it frees
 * (`take(14 + 2n, 5 + 13n)`: the rest of KEYS and ARGV as in FETCH_JOBS; max 0
 * takes none).
 *
 * A job in the canceling set ends `canceled` whatever the outcome (code 2), never
 * retried; checking costs one SCARD per batch while no cancel is pending.
 *
 * A final outcome releases (succeeded) or fails (failed) the job's deferred
 * children in the same call (`finishDependencies`, see `DEPENDENCY_FUNCTIONS`);
 * one multi-key EXISTS per batch finds whether any job of the batch has children.
 *
 * Returns { codes, taken jobs, earliest delayed }: per job, 1 when recorded, 2
 * when recorded as canceled, 0 when the job is already running elsewhere (it was recovered as stalled and
 * taken by another worker), -1 when it was removed.
 */
export const FINISH_JOBS = `${TAKE_FUNCTION}${HOURLY_FUNCTION}${DEPENDENCY_FUNCTIONS}${CANCELED_FUNCTIONS}
local n = tonumber(ARGV[1])
local maxlen = ARGV[4]
local jobsKey, activeKey, waitingKey, delayedKey, events = KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[12]
local stallIds = {}
local done = {succeeded = {}, failed = {}}
local indexed = {succeeded = {}, failed = {}}
local expiry = {}
local byName = {}
local hours = {}
local processed, failedCount = 0, 0
local canceling = redis.call('scard', KEYS[15]) > 0
-- final outcomes, for the dependency step: run key, id, outcome, finished-at
local finals = {}

local function finish1(j)
  local a = ${FINISH_FIXED_ARGS} + (j - 1) * ${FINISH_ARGS_PER_JOB}
  local id, outcome, json, at, dur = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local value, code, stack, expireAt, retryAt = ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], tonumber(ARGV[a + 10])
  local progress, name, bucket = ARGV[a + 11], ARGV[a + 12], ARGV[a + 13]
  local run, nameIndex = KEYS[${FINISH_FIXED_KEYS} + (j - 1) * 2 + 1], KEYS[${FINISH_FIXED_KEYS} + (j - 1) * 2 + 2]
  stallIds[#stallIds + 1] = id
  local removed = redis.call('lrem', activeKey, -1, id)
  if removed == 0 then
    -- Stall recovery put the job back while this attempt was still running. If it
    -- still waits, take it back out so it does not run twice; if another worker
    -- already runs it, leave the outcome to that worker.
    if redis.call('lrem', waitingKey, 0, id) == 0 and redis.call('zrem', delayedKey, id) == 0 then
      return 0
    end
  end
  if json ~= '' then
    if redis.call('hset', jobsKey, id, json) == 1 then
      -- the field was new: the job had been removed; undo the write
      redis.call('hdel', jobsKey, id)
      return -1
    end
  elseif removed == 0 and redis.call('hexists', jobsKey, id) == 0 then
    -- (a job in active is never removed, so only this path needs the check)
    return -1
  end
  if canceling and redis.call('sismember', KEYS[15], id) == 1 then
    -- canceled while it ran: ends canceled, never retried, whatever the handler did
    redis.call('hset', run, 'durationMs', dur)
    local stored = json
    if stored == '' and redis.call('hstrlen', jobsKey, id) <= 65536 then stored = redis.call('hget', jobsKey, id) end
    markCanceled(string.sub(run, 1, #run - #id - 4), id, name, at, keepOf(stored ~= '' and stored or nil), events, maxlen, 'active')
    return 2
  end
  local fields = {'durationMs', dur}
  if progress ~= '' then fields[#fields + 1] = 'progress'; fields[#fields + 1] = progress end
  if outcome == 'retry' then
    local state = 'waiting'
    if retryAt > 0 then
      local head = redis.call('zrange', delayedKey, 0, 0, 'WITHSCORES')
      redis.call('zadd', delayedKey, retryAt, id)
      state = 'delayed'
      if not head[2] or retryAt < tonumber(head[2]) then wake(KEYS[13]) end
    else
      redis.call('lpush', waitingKey, id)
    end
    redis.call('hset', run, 'state', state, 'error', value, 'errorCode', code, 'stack', stack, unpack(fields))
    emit(events, maxlen, 'retrying', id, name, at,
      cjson.encode({message = string.sub(value, 1, 500), code = string.sub(code, 1, 100), runAt = retryAt}))
    return 1
  end
  if outcome == 'succeeded' then
    redis.call('hset', run, 'state', outcome, 'finishedAt', at, 'result', value, unpack(fields))
    emit(events, maxlen, 'succeeded', id, name, at)
  else
    redis.call('hset', run, 'state', outcome, 'finishedAt', at, 'error', value, 'errorCode', code, 'stack', stack, unpack(fields))
    emit(events, maxlen, 'failed', id, name, at,
      cjson.encode({message = string.sub(value, 1, 500), code = string.sub(code, 1, 100)}))
    failedCount = failedCount + 1
  end
  local d, ix = done[outcome], indexed[outcome]
  d[#d + 1] = id
  ix[#ix + 1] = at
  ix[#ix + 1] = id
  expiry[#expiry + 1] = expireAt
  expiry[#expiry + 1] = id
  local byThis = byName[nameIndex]
  if not byThis then
    byThis = {}
    byName[nameIndex] = byThis
  end
  byThis[#byThis + 1] = at
  byThis[#byThis + 1] = id
  hourAdd(hours, name, outcome == 'failed', bucket, dur)
  finals[#finals + 1] = {run, id, outcome, at}
  processed = processed + 1
  return 1
end

local codes = {}
for j = 1, n do codes[j] = finish1(j) end
if #stallIds > 0 then redis.call('srem', KEYS[3], unpack(stallIds)) end
if #done.succeeded > 0 then
  redis.call('sadd', KEYS[6], unpack(done.succeeded))
  redis.call('zadd', KEYS[8], unpack(indexed.succeeded))
end
if #done.failed > 0 then
  redis.call('sadd', KEYS[7], unpack(done.failed))
  redis.call('zadd', KEYS[9], unpack(indexed.failed))
end
if #expiry > 0 then redis.call('zadd', KEYS[10], unpack(expiry)) end
for key, entries in pairs(byName) do redis.call('zadd', key, unpack(entries)) end
if processed > 0 then
  if redis.call('hincrby', KEYS[11], 'processed', processed) == processed then
    redis.call('expire', KEYS[11], tonumber(ARGV[3]))
  end
  if failedCount > 0 then redis.call('hincrby', KEYS[11], 'failed', failedCount) end
  countHours(KEYS[14], ARGV[5], hours)
end

if #finals > 0 then
  local childKeys = {}
  for i, f in ipairs(finals) do childKeys[i] = string.sub(f[1], 1, #f[1] - #f[2] - 4) .. 'children:' .. f[2] end
  if redis.call('exists', unpack(childKeys)) > 0 then
    for _, f in ipairs(finals) do finishDependencies(f[1], f[2], f[3], f[4], maxlen) end
  end
end

local jobs, earliest = take(${FINISH_FIXED_KEYS} + n * ${FINISH_KEYS_PER_JOB}, ${FINISH_FIXED_ARGS} + n * ${FINISH_ARGS_PER_JOB})
return {codes, jobs, earliest}
`;
