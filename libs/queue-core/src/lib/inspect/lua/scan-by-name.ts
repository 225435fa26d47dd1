import { JOB_NAME_LUA } from './job-name';

/**
 * The name filter of waiting, active and delayed jobs, which have no name index:
 * looks at the newest ARGV[3] ids of the state (a bounded scan, so Redis is never
 * busy for long) and returns one page of those whose job name is ARGV[2].
 *
 * KEYS: 1 the state's list or zset, 2 jobs hash
 * ARGV: 1 'list' | 'zset', 2 name, 3 scan limit, 4 offset, 5 count
 * Returns `{ matches, scanned, ids of the page, jobs in the state }`.
 */
export const SCAN_BY_NAME = `${JOB_NAME_LUA}
local limit, offset, count = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ids, size
if ARGV[1] == 'list' then
  ids = redis.call('lrange', KEYS[1], 0, limit - 1)
  size = redis.call('llen', KEYS[1])
else
  ids = redis.call('zrevrange', KEYS[1], 0, limit - 1)
  size = redis.call('zcard', KEYS[1])
end
local matches, page = 0, {}
for _, id in ipairs(ids) do
  local json = redis.call('hget', KEYS[2], id)
  if json and job_name(json) == ARGV[2] then
    if matches >= offset and #page < count then page[#page + 1] = id end
    matches = matches + 1
  end
end
return {matches, #ids, page, size}
`;
