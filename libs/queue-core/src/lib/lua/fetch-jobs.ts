/**
 * `take(k, a)`: takes up to ARGV[a+1] jobs for one worker, queues in priority
 * order. For each queue it first raises due delayed jobs, then moves ids
 * waiting -> active (RPOPLPUSH, as bee-queue does) until the batch is full; only
 * when a queue is empty does it look at the next one. Marks each job's run record
 * active.
 *
 * KEYS after offset k: per queue, in priority order: waiting, active, jobs, delayed
 * ARGV after offset a: max, now ms, worker name, queue count, then each queue's key
 *   base (`prefix:queue:`)
 * Returns a flat list: queueIndex (1-based), id, job JSON, attempt number, ...
 */
export const TAKE_FUNCTION = `
local function take(k, a)
  local max = tonumber(ARGV[a + 1])
  local now = tonumber(ARGV[a + 2])
  local worker = ARGV[a + 3]
  local nq = tonumber(ARGV[a + 4])
  local out = {}
  local got = 0
  for q = 1, nq do
    if got >= max then break end
    local waiting, active, jobs, delayed = KEYS[k + q*4-3], KEYS[k + q*4-2], KEYS[k + q*4-1], KEYS[k + q*4]
    local base = ARGV[a + 4 + q]
    local due = redis.call('zrangebyscore', delayed, 0, now, 'LIMIT', 0, 1000)
    if #due > 0 then
      redis.call('lpush', waiting, unpack(due))
      redis.call('zrem', delayed, unpack(due))
      for _, id in ipairs(due) do redis.call('hset', base .. 'x:run:' .. id, 'state', 'waiting') end
    end
    while got < max do
      local id = redis.call('rpoplpush', waiting, active)
      if not id then break end
      local data = redis.call('hget', jobs, id)
      if data then
        local run = base .. 'x:run:' .. id
        local attempt = redis.call('hincrby', run, 'attempts', 1)
        redis.call('hset', run, 'state', 'active', 'startedAt', now, 'worker', worker)
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
  return out
end
`;

/** Takes jobs (see {@link TAKE_FUNCTION}); KEYS and ARGV start at offset 0. */
export const FETCH_JOBS = `${TAKE_FUNCTION}
return take(0, 0)
`;
