import { DEPENDENCY_FUNCTIONS } from '../../lua/dependencies';
import { EMIT_LUA } from './emit';

/**
 * Deletes one job from every structure that can hold it. A running job is left
 * alone (its worker would write it back when it finishes). The caller passes the
 * job name (read outside Lua, so a multi-MB job is never copied into the script).
 *
 * A removed job gets a `removed` event. A deferred job is taken out of the
 * deferred index and its parents' children sets; children still waiting for the
 * removed job fail naming it (`forgetJob`, see `DEPENDENCY_FUNCTIONS`).
 *
 * KEYS: 1 jobs, 2 waiting, 3 active, 4 delayed, 5 succeeded set, 6 failed set,
 *       7 stalling, 8 succeeded index, 9 failed index, 10 expiry, 11 events stream,
 *       12 canceled index
 * ARGV: 1 key base (`prefix:queue:`), 2 id, 3 job name ('' when unknown),
 *       4 events max length
 * Returns 1 removed, 0 not found, -1 running.
 */
export const REMOVE_JOB = `${EMIT_LUA}${DEPENDENCY_FUNCTIONS}
local base, id, name = ARGV[1], ARGV[2], ARGV[3]
if redis.call('hexists', KEYS[1], id) == 0 then return 0 end
if redis.call('lpos', KEYS[3], id) then return -1 end
local elsewhere = redis.call('zrem', KEYS[4], id) + redis.call('srem', KEYS[5], id) + redis.call('srem', KEYS[6], id)
if elsewhere == 0 then redis.call('lrem', KEYS[2], 1, id) end
redis.call('srem', KEYS[7], id)
redis.call('zrem', KEYS[8], id)
redis.call('zrem', KEYS[9], id)
redis.call('zrem', KEYS[12], id)
if name ~= '' then
  redis.call('zrem', base .. 'x:idx:succeeded:name:' .. name, id)
  redis.call('zrem', base .. 'x:idx:failed:name:' .. name, id)
  redis.call('zrem', base .. 'x:idx:canceled:name:' .. name, id)
end
redis.call('zrem', KEYS[10], id)
redis.call('hdel', KEYS[1], id)
redis.call('del', base .. 'x:run:' .. id, base .. 'x:log:' .. id)
forgetJob(base, id, now_ms(), ARGV[4])
emit(KEYS[11], ARGV[4], 'removed', id, name)
return 1
`;
