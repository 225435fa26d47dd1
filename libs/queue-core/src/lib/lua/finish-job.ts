import { TAKE_FUNCTION } from './fetch-jobs';
import { CANCELED_FUNCTIONS } from './cancel';
import { DEPENDENCY_FUNCTIONS } from './dependencies';
import { HOURLY_FUNCTION } from './hourly';

/** ARGV of `FINISH_JOBS` before the `take` arguments. */
const FINISH_ARGS = 8;

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
 * Every key is one of the queue's (`QueueKeys`), named from its key base; KEYS
 * declares the queue's `jobs` key only. The batch travels as one JSON argument
 * (one string instead of 13 arguments per job: building and parsing a command's
 * arguments costs more than the JSON).
 * ARGV: 1 key base (`prefix:queue:`), 2 now ms, 3 throughput TTL s, 4 events max
 *       length, 5 hourly bucket TTL s, 6 minute (epoch minutes: the throughput
 *       bucket), 7 hour (epoch hours: the hourly history bucket), 8 the batch: a
 *       JSON array with one array of strings per job, fields in this order: id,
 *       outcome (succeeded|failed|retry), job JSON to store ('' = leave the
 *       stored JSON as it is), finished-at ms, duration ms, result JSON or error
 *       message, error code, stack, expire-at ms, retry-at ms (0 = at once),
 *       progress JSON ('' = none), job name, duration bucket index (see
 *       `durationBucket`)
 * then, in the same round trip, takes the next jobs for the slots it frees
 * (`take(8)`: the rest of ARGV as in FETCH_JOBS; max 0 takes none).
 *
 * A job in the canceling set ends `canceled` whatever the outcome (code 2), never
 * retried. One multi-key EXISTS per batch (the canceling set and each job's
 * children list) tells whether any of that needs looking at.
 *
 * A final outcome releases (succeeded) or fails (failed) the job's deferred
 * children in the same call (`finishDependencies`, see `DEPENDENCY_FUNCTIONS`).
 *
 * Returns { codes, taken jobs, earliest delayed }: per job, 1 when recorded, 2
 * when recorded as canceled, 0 when the job is already running elsewhere (it was recovered as stalled and
 * taken by another worker), -1 when it was removed.
 */
export const FINISH_JOBS = `${TAKE_FUNCTION}${HOURLY_FUNCTION}${DEPENDENCY_FUNCTIONS}${CANCELED_FUNCTIONS}
local base, maxlen = ARGV[1], ARGV[4]
local x = base .. 'x:'
local jobsKey, activeKey, waitingKey, delayedKey, events = base .. 'jobs', base .. 'active', base .. 'waiting', base .. 'delayed', x .. 'events'
local cancelingKey = x .. 'canceling'
local batch = cjson.decode(ARGV[8])
local n = #batch
local stallIds = {}
local done = {succeeded = {}, failed = {}}
local indexed = {succeeded = {}, failed = {}}
local expiry = {}
local byName = {}
local hours = {}
local processed, failedCount = 0, 0
-- one EXISTS for the rare cases: a pending cancel, a job with deferred children
local childKeys = {}
for j = 1, n do childKeys[j] = x .. 'children:' .. batch[j][1] end
local flagged = redis.call('exists', cancelingKey, unpack(childKeys))
local canceling = flagged > 0 and redis.call('exists', cancelingKey) == 1
local hasChildren = flagged > (canceling and 1 or 0)
-- final outcomes, for the dependency step: run key, id, outcome, finished-at
local finals = {}

local function finish1(j)
  local f = batch[j]
  local id, outcome, json, at, dur = f[1], f[2], f[3], f[4], f[5]
  local value, code, stack, expireAt, retryAt = f[6], f[7], f[8], f[9], tonumber(f[10])
  local progress, name, bucket = f[11], f[12], f[13]
  local run = x .. 'run:' .. id
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
  if canceling and redis.call('sismember', cancelingKey, id) == 1 then
    -- canceled while it ran: ends canceled, never retried, whatever the handler did
    redis.call('hset', run, 'durationMs', dur)
    local stored = json
    if stored == '' and redis.call('hstrlen', jobsKey, id) <= 65536 then stored = redis.call('hget', jobsKey, id) end
    markCanceled(x, id, name, at, keepOf(stored ~= '' and stored or nil), events, maxlen, 'active')
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
      if not head[2] or retryAt < tonumber(head[2]) then wake(x .. 'wake') end
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
  local nameIndex = x .. 'idx:' .. outcome .. ':name:' .. name
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
if #stallIds > 0 then redis.call('srem', base .. 'stalling', unpack(stallIds)) end
if #done.succeeded > 0 then
  redis.call('sadd', base .. 'succeeded', unpack(done.succeeded))
  redis.call('zadd', x .. 'idx:succeeded', unpack(indexed.succeeded))
end
if #done.failed > 0 then
  redis.call('sadd', base .. 'failed', unpack(done.failed))
  redis.call('zadd', x .. 'idx:failed', unpack(indexed.failed))
end
if #expiry > 0 then redis.call('zadd', x .. 'expiry', unpack(expiry)) end
for key, entries in pairs(byName) do redis.call('zadd', key, unpack(entries)) end
if processed > 0 then
  local minute = x .. 'tput:' .. ARGV[6]
  if redis.call('hincrby', minute, 'processed', processed) == processed then
    redis.call('expire', minute, tonumber(ARGV[3]))
  end
  if failedCount > 0 then redis.call('hincrby', minute, 'failed', failedCount) end
  countHours(x .. 'tput:h:' .. ARGV[7], ARGV[5], hours)
end

if hasChildren and #finals > 0 then
  for _, f in ipairs(finals) do finishDependencies(f[1], f[2], f[3], f[4], maxlen) end
end

local jobs, earliest = take(${FINISH_ARGS})
return {codes, jobs, earliest}
`;
