import { EVENT_FUNCTIONS } from './events';
import { DEPENDENCY_FUNCTIONS } from './dependencies';
import { HOURLY_FUNCTION } from './hourly';
import { CANCELED_FUNCTIONS } from './cancel';

/**
 * bee-queue's stall check plus a stall limit. At most once per lock period (a
 * shared lock; the caller passes a period a little under half the stall
 * interval, so that with any live worker checks run 0.45-0.5 intervals apart and
 * a dead worker's job is back within one interval): every job still in the stalling set was not claimed by a live
 * worker's heartbeat since the last check, so its worker is gone. Such a job goes
 * back to the front of waiting, unless it has now stalled more than the limit
 * (it probably kills its worker): then it is failed for good. Afterwards every
 * active job is copied into the stalling set for the next round.
 *
 * A job an operator canceled while it ran (`cancelRequested`) ends `canceled`
 * instead of going back to waiting.
 *
 * Appends a `stalled` event per recovered job (and wakes an idle worker) and a
 * `failed` event per job failed by the limit; the deferred children of such a
 * job fail with it, in the same call (`failChildren`, see `DEPENDENCY_FUNCTIONS`).
 *
 * KEYS: 1 stallBlock, 2 stalling, 3 waiting, 4 active, 5 jobs, 6 failed set,
 *       7 failed index, 8 expiry, 9 throughput bucket, 10 events, 11 wake,
 *       12 hourly history bucket (jobs failed by the limit count there too, without a duration)
 * ARGV: 1 lock period ms ('0': the caller already holds the lock), 2 max stalls, 3 now ms, 4 key base, 5 throughput TTL s,
 *       6 error message template ('%d' = stalls), 7 events max length, 8 hourly bucket TTL s
 * Returns { recovered ids, failed ids }.
 */
export const CHECK_STALLED = `${EVENT_FUNCTIONS}${HOURLY_FUNCTION}${DEPENDENCY_FUNCTIONS}${CANCELED_FUNCTIONS}
if ARGV[1] ~= '0' and not redis.call('set', KEYS[1], '1', 'PX', tonumber(ARGV[1]), 'NX') then
  return {{}, {}}
end
local maxStalls = tonumber(ARGV[2])
local now = ARGV[3]
local base = ARGV[4]
local recovered, dead = {}, {}
for _, id in ipairs(redis.call('smembers', KEYS[2])) do
  if redis.call('lrem', KEYS[4], 0, id) > 0 then
    local run = base .. 'x:run:' .. id
    local stalls = redis.call('hincrby', run, 'stalls', 1)
    local json = redis.call('hget', KEYS[5], id)
    if not json then
      -- removed meanwhile: nothing to recover
    elseif redis.call('hexists', run, 'cancelRequested') == 1 then
      -- canceled while its worker died: it ends canceled instead of running again
      markCanceled(base .. 'x:', id, nameOf(json), now, keepOf(json), KEYS[10], ARGV[7], 'active')
    elseif stalls > maxStalls then
      dead[#dead + 1] = id
      local keep = 604800
      local name = nil
      local ok, job = pcall(cjson.decode, json)
      if ok and type(job) == 'table' then
        if type(job.data) == 'table' then name = job.data.name end
        if type(job.options) == 'table' and type(job.options.jobq) == 'table' and job.options.jobq.keepFailedSeconds then
          keep = tonumber(job.options.jobq.keepFailedSeconds)
        end
      end
      redis.call('sadd', KEYS[6], id)
      redis.call('zadd', KEYS[7], now, id)
      if type(name) == 'string' then redis.call('zadd', base .. 'x:idx:failed:name:' .. name, now, id) end
      redis.call('zadd', KEYS[8], tonumber(now) + keep * 1000, id)
      redis.call('hset', run, 'state', 'failed', 'finishedAt', now, 'errorCode', 'JOBQ_JOB_STALLED',
        'error', string.format(ARGV[6], stalls), 'stack', '')
      emit(KEYS[10], ARGV[7], 'failed', id, name, now,
        cjson.encode({message = string.format(ARGV[6], stalls), code = 'JOBQ_JOB_STALLED'}))
      redis.call('hincrby', KEYS[9], 'processed', 1)
      redis.call('hincrby', KEYS[9], 'failed', 1)
      redis.call('expire', KEYS[9], tonumber(ARGV[5]))
      countHour(KEYS[12], ARGV[8], type(name) == 'string' and name or '', true, nil, 0)
      failChildren(base, id, now, ARGV[7], 'failed for good (stall limit)')
    else
      recovered[#recovered + 1] = id
      redis.call('hincrby', run, 'attempts', -1)
      redis.call('hset', run, 'state', 'waiting')
      redis.call('rpush', KEYS[3], id)
      emit(KEYS[10], ARGV[7], 'stalled', id, nameOf(json), now, '{"stalls":' .. stalls .. '}')
    end
  end
end
if #recovered > 0 then wake(KEYS[11]) end
redis.call('del', KEYS[2])
local actives = redis.call('lrange', KEYS[4], 0, -1)
for i = 1, #actives, 1000 do
  redis.call('sadd', KEYS[2], unpack(actives, i, math.min(i + 999, #actives)))
end
return {recovered, dead}
`;
