import { EVENT_FUNCTIONS } from './events';

/** Keys the `take` function reads per queue, in this order. */
export const TAKE_KEYS_PER_QUEUE = 6;

/**
 * `take(k, a)`: takes up to ARGV[a+1] jobs for one worker, queues in priority
 * order. For each queue it first raises due delayed jobs, then moves ids
 * waiting -> active, oldest first (as bee-queue's RPOPLPUSH does, but several
 * per LRANGE + LTRIM + LPUSH) until the batch is full; only
 * when a queue is empty does it look at the next one. Marks each job's run record
 * active and appends an `active` event. When `chain` is set (a worker filling
 * its free slots, not one replacing a finished job) and the batch is full while
 * jobs are still waiting, it leaves a wake-up token so another idle worker takes
 * them.
 *
 * KEYS after offset k: per queue, in priority order: waiting, active, jobs,
 *   delayed, events, wake
 * ARGV after offset a: max, now ms, worker name, queue count, events max length,
 *   chain (1|0), then each queue's key base (`prefix:queue:`)
 * Returns (two values) a flat list: queueIndex (1-based), id, job JSON, attempt
 * number, ...; and, when fewer than max jobs were taken, the earliest run-at ms
 * of the queues' delayed jobs (-1 = none; 0 when the batch was full).
 */
export const TAKE_FUNCTION = `${EVENT_FUNCTIONS}
local function take(k, a)
  local max = tonumber(ARGV[a + 1])
  local now = tonumber(ARGV[a + 2])
  local worker = ARGV[a + 3]
  local nq = tonumber(ARGV[a + 4])
  local maxlen = ARGV[a + 5]
  local chain = ARGV[a + 6] == '1'
  local out = {}
  local got = 0
  if max <= 0 then return out, 0 end
  for q = 1, nq do
    if got >= max then break end
    local o = k + (q - 1) * ${TAKE_KEYS_PER_QUEUE}
    local waiting, active, jobs, delayed, events, wakeList = KEYS[o + 1], KEYS[o + 2], KEYS[o + 3], KEYS[o + 4], KEYS[o + 5], KEYS[o + 6]
    local base = ARGV[a + 6 + q]
    local due = redis.call('zrangebyscore', delayed, 0, now, 'LIMIT', 0, 1000)
    if #due > 0 then
      redis.call('lpush', waiting, unpack(due))
      redis.call('zrem', delayed, unpack(due))
      for _, id in ipairs(due) do redis.call('hset', base .. 'x:run:' .. id, 'state', 'waiting') end
    end
    while got < max do
      -- Move up to (max - got) ids waiting -> active, oldest first, as
      -- bee-queue's RPOPLPUSH does one at a time; then read their JSON at once.
      local ids
      if max - got == 1 then
        local id = redis.call('rpoplpush', waiting, active)
        ids = id and {id} or {}
      else
        local tail = redis.call('lrange', waiting, got - max, -1)
        ids = {}
        for i = #tail, 1, -1 do ids[#ids + 1] = tail[i] end
        if #ids > 0 then
          redis.call('ltrim', waiting, 0, -#ids - 1)
          redis.call('lpush', active, unpack(ids))
        end
      end
      if #ids == 0 then break end
      local datas = redis.call('hmget', jobs, unpack(ids))
      for i, id in ipairs(ids) do
        local data = datas[i]
        if data then
          local run = base .. 'x:run:' .. id
          local attempt = redis.call('hincrby', run, 'attempts', 1)
          redis.call('hset', run, 'state', 'active', 'startedAt', now, 'worker', worker)
          emit(events, maxlen, 'active', id, nameOf(data), now, '{"attempt":' .. attempt .. '}')
          out[#out + 1] = q
          out[#out + 1] = id
          out[#out + 1] = data
          out[#out + 1] = attempt
          got = got + 1
        else
          -- the job was removed while it waited: drop the dangling id
          redis.call('lrem', active, 1, id)
        end
      end
    end
    if chain and got >= max and redis.call('llen', waiting) > 0 then wake(wakeList) end
  end
  if got >= max then return out, 0 end
  local earliest = -1
  for q = 1, nq do
    local head = redis.call('zrange', KEYS[k + (q - 1) * ${TAKE_KEYS_PER_QUEUE} + 4], 0, 0, 'WITHSCORES')
    if head[2] then
      local at = tonumber(head[2])
      if earliest < 0 or at < earliest then earliest = at end
    end
  end
  return out, earliest
end
`;

/** Takes jobs (see {@link TAKE_FUNCTION}); KEYS and ARGV start at offset 0. Returns { jobs, earliest }. */
export const FETCH_JOBS = `${TAKE_FUNCTION}
local jobs, earliest = take(0, 0)
return {jobs, earliest}
`;
