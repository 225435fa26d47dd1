import { EMIT_LUA } from './emit';

/**
 * Moves a delayed job to waiting now ("run now"), with a `waiting` event and a
 * wake-up token for idle workers.
 *
 * KEYS: 1 jobs, 2 delayed, 3 waiting, 4 events stream, 5 wake list
 * ARGV: 1 key base (`prefix:queue:`), 2 id, 3 job name ('' when unknown),
 *       4 events max length
 * Returns 1 promoted, 0 no such job, -1 not delayed.
 */
export const PROMOTE_JOB = `${EMIT_LUA}
local base, id, name = ARGV[1], ARGV[2], ARGV[3]
if redis.call('hexists', KEYS[1], id) == 0 then return 0 end
if redis.call('zrem', KEYS[2], id) == 0 then return -1 end
redis.call('lpush', KEYS[3], id)
local run = base .. 'x:run:' .. id
if redis.call('exists', run) == 1 then redis.call('hset', run, 'state', 'waiting') end
emit(KEYS[4], ARGV[4], 'waiting', id, name)
wake(KEYS[5])
return 1
`;
