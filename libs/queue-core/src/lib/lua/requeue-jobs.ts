/**
 * Puts jobs this worker holds back at the front of waiting, as if never taken
 * (used when a worker stops before its jobs finish). The interrupted attempt
 * does not count.
 *
 * KEYS: 1 active, 2 waiting, 3 stalling
 * ARGV: 1 key base, 2.. ids
 * Returns the number of jobs put back.
 */
export const REQUEUE_JOBS = `
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('lrem', KEYS[1], 0, id) > 0 then
    redis.call('srem', KEYS[3], id)
    redis.call('rpush', KEYS[2], id)
    local run = ARGV[1] .. 'x:run:' .. id
    redis.call('hincrby', run, 'attempts', -1)
    redis.call('hset', run, 'state', 'waiting')
    n = n + 1
  end
end
return n
`;
