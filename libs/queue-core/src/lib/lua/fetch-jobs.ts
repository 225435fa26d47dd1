import { EVENT_FUNCTIONS } from './events';

/**
 * `take(a)`: takes up to ARGV[a+1] jobs for one worker, queues in priority
 * order. For each queue it first raises due delayed jobs, then moves ids
 * waiting -> active, oldest first (as bee-queue's RPOPLPUSH does, but several
 * per RPOP with a count + LPUSH) until the batch is full; only
 * when a queue is empty does it look at the next one. Marks each job's run record
 * active and appends the `active` events of the jobs it took from a queue as one
 * stream entry (see `emitActive`). When `chain` is set (a worker filling
 * its free slots, not one replacing a finished job) and the batch is full while
 * jobs are still waiting, it leaves a wake-up token so another idle worker takes
 * them.
 *
 * Flow control (one HMGET of the queue's `flow` hash per queue and take): a
 * paused queue is skipped entirely (its due delayed jobs stay delayed); a rate-
 * limited queue gives at most what is left of the current fixed window's budget
 * (counter `flow:rate:<floor(now/limitMs)>`, INCRBY per take) and, when the budget
 * runs out with jobs still waiting, the window's end becomes a candidate for
 * `earliest`, so the worker sleeps until then on its due timer.
 *
 * Every key is one of a queue's keys (`QueueKeys`), named from the queue's key
 * base: the caller declares each queue's `jobs` key in KEYS, and a script stays
 * on one queue's keys when the worker has one queue.
 * ARGV after offset a: max, now ms, worker name, queue count, events max length,
 *   chain (1|0), then each queue's key base (`prefix:queue:`), in priority order
 * Returns (two values) a flat list: queueIndex (1-based), id, job JSON, attempt
 * number, ...; and, when fewer than max jobs were taken, the earliest run-at ms
 * of the delayed jobs of queues not paused, or the end of a rate-limit window that
 * holds jobs back (-1 = none; 0 when the batch was full).
 */
export const TAKE_FUNCTION = `${EVENT_FUNCTIONS}
local function take(a)
  local max = tonumber(ARGV[a + 1])
  local now = tonumber(ARGV[a + 2])
  -- as text where it is only stored (a Lua number is formatted again on every use)
  local nowText = ARGV[a + 2]
  local worker = ARGV[a + 3]
  local nq = tonumber(ARGV[a + 4])
  local maxlen = ARGV[a + 5]
  local chain = ARGV[a + 6] == '1'
  local out = {}
  local got = 0
  if max <= 0 then return out, 0 end
  local skip, limitedAt = {}, {}
  for q = 1, nq do
    if got >= max then break end
    local base = ARGV[a + 6 + q]
    local waiting, active, jobs, delayed = base .. 'waiting', base .. 'active', base .. 'jobs', base .. 'delayed'
    local events, wakeList, flowKey = base .. 'x:events', base .. 'x:wake', base .. 'x:flow'
    local flow = redis.call('hmget', flowKey, 'paused', 'limitMax', 'limitMs')
    local budget = max - got
    local rateKey, windowEnd, lms = nil, 0, 0
    if flow[1] == '1' then
      skip[q] = true
      budget = 0
    elseif flow[2] and flow[3] then
      local lmax = tonumber(flow[2])
      lms = tonumber(flow[3])
      if lmax and lms and lms > 0 then
        local window = math.floor(now / lms)
        rateKey = flowKey .. ':rate:' .. window
        windowEnd = (window + 1) * lms
        local left = lmax - tonumber(redis.call('get', rateKey) or '0')
        if left < budget then budget = math.max(0, left) end
      end
    end
    if not skip[q] then
      local due = redis.call('zrangebyscore', delayed, 0, nowText, 'LIMIT', 0, 1000)
      if #due > 0 then
        redis.call('lpush', waiting, unpack(due))
        redis.call('zrem', delayed, unpack(due))
        for _, id in ipairs(due) do redis.call('hset', base .. 'x:run:' .. id, 'state', 'waiting') end
      end
    end
    local n = 0
    local started = {}
    while n < budget do
      -- Move up to (budget - n) ids waiting -> active, oldest first, as
      -- bee-queue's RPOPLPUSH does one at a time; then read their JSON at once.
      local ids
      if budget - n == 1 then
        local id = redis.call('rpoplpush', waiting, active)
        ids = id and {id} or {}
      else
        -- RPOP with a count (Redis 6.2+) pops the oldest ids first
        ids = redis.call('rpop', waiting, budget - n) or {}
        if #ids > 0 then redis.call('lpush', active, unpack(ids)) end
      end
      if #ids == 0 then break end
      local datas = redis.call('hmget', jobs, unpack(ids))
      for i, id in ipairs(ids) do
        local data = datas[i]
        if data then
          local run = base .. 'x:run:' .. id
          local attempt = redis.call('hincrby', run, 'attempts', '1')
          redis.call('hset', run, 'state', 'active', 'startedAt', nowText, 'worker', worker)
          started[#started + 1] = {id, nameOf(data), attempt}
          out[#out + 1] = q
          out[#out + 1] = id
          out[#out + 1] = data
          out[#out + 1] = attempt
          got = got + 1
          n = n + 1
        else
          -- the job was removed while it waited: drop the dangling id
          redis.call('lrem', active, 1, id)
        end
      end
    end
    if #started > 0 then emitActive(events, maxlen, nowText, started) end
    if rateKey and n > 0 and redis.call('incrby', rateKey, n) == n then redis.call('pexpire', rateKey, lms + 1000) end
    if not skip[q] and got < max and n >= budget and redis.call('llen', waiting) > 0 then
      -- held back by the rate limit: jobs wait for the next window
      limitedAt[q] = windowEnd
    elseif chain and got >= max and not skip[q] and redis.call('llen', waiting) > 0 then
      wake(wakeList)
    end
  end
  if got >= max then return out, 0 end
  local earliest = -1
  for q = 1, nq do
    if not skip[q] then
      local head = redis.call('zrange', ARGV[a + 6 + q] .. 'delayed', 0, 0, 'WITHSCORES')
      local at = limitedAt[q]
      if head[2] and (not at or tonumber(head[2]) < at) then at = tonumber(head[2]) end
      if at and (earliest < 0 or at < earliest) then earliest = at end
    end
  end
  return out, earliest
end
`;

/**
 * Takes jobs (see {@link TAKE_FUNCTION}). KEYS: each queue's `jobs` key (declared
 * only; the keys used are named from ARGV's key bases); ARGV as `take`'s, from
 * offset 0. Returns { jobs, earliest }.
 */
export const FETCH_JOBS = `${TAKE_FUNCTION}
local jobs, earliest = take(0)
return {jobs, earliest}
`;
