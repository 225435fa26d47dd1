import { EVENT_FUNCTIONS } from './events';

/**
 * Puts jobs this worker holds back at the front of waiting, as if never taken
 * (used when a worker stops before its jobs finish). The interrupted attempt
 * does not count. Appends a `waiting` event per job and wakes an idle worker.
 *
 * KEYS: 1 active, 2 waiting, 3 stalling, 4 jobs, 5 events, 6 wake
 * ARGV: 1 key base, 2 now ms, 3 events max length, 4.. ids
 * Returns the number of jobs put back.
 */
export const REQUEUE_JOBS = `${EVENT_FUNCTIONS}
local n = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  if redis.call('lrem', KEYS[1], 0, id) > 0 then
    redis.call('srem', KEYS[3], id)
    redis.call('rpush', KEYS[2], id)
    local run = ARGV[1] .. 'x:run:' .. id
    redis.call('hincrby', run, 'attempts', -1)
    redis.call('hset', run, 'state', 'waiting')
    emit(KEYS[5], ARGV[3], 'waiting', id, nameOf(redis.call('hget', KEYS[4], id)), ARGV[2])
    n = n + 1
  end
end
if n > 0 then wake(KEYS[6]) end
return n
`;
