import { DEPENDENCY_FUNCTIONS } from '../../lua/dependencies';
import { EMIT_LUA } from './emit';

/**
 * Deletes one chunk of jobs of one state; the caller loops, so emptying a state of
 * a million jobs never blocks Redis for more than one chunk.
 * - waiting / delayed / deferred: pops up to ARGV[3] ids itself.
 * - succeeded / failed: deletes the ids the caller passes with their job names
 *   (read outside Lua), each only if it is still in that state's index or set.
 *
 * A deleted job's dependency edges go with it, and children still waiting for
 * it fail naming it (`forgetJob`). Every deleted job gets a `removed` event (name '' for waiting/delayed ones,
 * which are not decoded here).
 *
 * KEYS: 1 jobs, 2 the state's structure (waiting list, delayed zset, or the
 *       succeeded/failed/canceled index), 3 the finished state's bee-queue set
 *       ('' otherwise, and for canceled, which has none),
 *       4 expiry, 5 events stream
 * ARGV: 1 'list' | 'zset' | 'finished', 2 key base, 3 chunk size, 4 state,
 *       5 events max length, then for 'finished': id, name ('' when unknown), ...
 * Returns the number of jobs deleted.
 */
export const EMPTY_CHUNK = `${EMIT_LUA}${DEPENDENCY_FUNCTIONS}
local kind, base, n, state, maxlen = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local deleted = 0
local function drop(id, name)
  redis.call('hdel', KEYS[1], id)
  redis.call('zrem', KEYS[4], id)
  redis.call('del', base .. 'x:run:' .. id, base .. 'x:log:' .. id)
  forgetJob(base, id, now_ms(), maxlen)
  emit(KEYS[5], maxlen, 'removed', id, name)
  deleted = deleted + 1
end
if kind == 'list' then
  for _, id in ipairs(redis.call('lpop', KEYS[2], n) or {}) do drop(id, '') end
elseif kind == 'zset' then
  local popped = redis.call('zpopmax', KEYS[2], n)
  for i = 1, #popped, 2 do drop(popped[i], '') end
else
  for i = 6, #ARGV, 2 do
    local id, name = ARGV[i], ARGV[i + 1]
    local inSet = 0
    if KEYS[3] ~= '' then inSet = redis.call('srem', KEYS[3], id) end
    if redis.call('zrem', KEYS[2], id) + inSet > 0 then
      if name ~= '' then redis.call('zrem', base .. 'x:idx:' .. state .. ':name:' .. name, id) end
      drop(id, name)
    end
  end
end
return deleted
`;
