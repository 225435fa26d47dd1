import { JOB_NAME_LUA } from './job-name';

/**
 * Deletes up to ARGV[3] jobs of one state; the caller loops until it returns 0, so
 * emptying a state of a million jobs never blocks Redis for more than one chunk.
 *
 * KEYS: 1 jobs, 2 the state's structure (waiting list, delayed zset, or the
 *       succeeded/failed index), 3 the finished state's set ('' otherwise),
 *       4 expiry
 * ARGV: 1 'list' | 'zset' | 'finished', 2 key base, 3 chunk size, 4 state
 * Returns the number of jobs deleted.
 */
export const EMPTY_CHUNK = `${JOB_NAME_LUA}
local kind, base, n, state = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local ids
if kind == 'list' then
  ids = redis.call('lpop', KEYS[2], n) or {}
else
  ids = {}
  local popped = redis.call('zpopmax', KEYS[2], n)
  for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  if kind == 'finished' and #ids == 0 then ids = redis.call('spop', KEYS[3], n) or {} end
end
for _, id in ipairs(ids) do
  if kind == 'finished' then
    redis.call('srem', KEYS[3], id)
    local json = redis.call('hget', KEYS[1], id)
    local name = json and job_name(json)
    if name then redis.call('zrem', base .. 'x:idx:' .. state .. ':name:' .. name, id) end
  end
  redis.call('hdel', KEYS[1], id)
  redis.call('zrem', KEYS[4], id)
  redis.call('del', base .. 'x:run:' .. id)
end
return #ids
`;
