import { JOB_NAME_LUA } from './job-name';

/**
 * The name filter of waiting, active and delayed jobs, which have no name index:
 * looks at the newest ARGV[3] ids of the state (a bounded scan, so Redis is never
 * busy for long) and tells, per id, whether its job name is ARGV[2]. Jobs longer
 * than ARGV[4] bytes are not read into Lua (see READ_SUMMARIES); the caller
 * resolves those.
 *
 * KEYS: 1 the state's list or zset, 2 jobs hash
 * ARGV: 1 'list' | 'zset', 2 name, 3 scan limit, 4 most bytes read into Lua
 * Returns `{ ids, verdicts (1 match, 0 no match or gone, -1 too long to read here),
 * jobs in the state }`.
 */
export const SCAN_BY_NAME = `${JOB_NAME_LUA}
local limit, most = tonumber(ARGV[3]), tonumber(ARGV[4])
local ids, size
if ARGV[1] == 'list' then
  ids = redis.call('lrange', KEYS[1], 0, limit - 1)
  size = redis.call('llen', KEYS[1])
else
  ids = redis.call('zrevrange', KEYS[1], 0, limit - 1)
  size = redis.call('zcard', KEYS[1])
end
-- bee-queue writes the name first, so a prefix comparison settles most jobs
-- without a pattern match; other shapes fall back to job_name().
local needle = '{"data":{"name":"' .. ARGV[2] .. '"'
local verdicts = {}
for i, id in ipairs(ids) do
  local len = redis.call('hstrlen', KEYS[2], id)
  if len > most then
    verdicts[i] = -1
  elseif len == 0 then
    verdicts[i] = 0
  else
    local json = redis.call('hget', KEYS[2], id)
    if string.sub(json, 1, #needle) == needle then
      verdicts[i] = 1
    elseif string.sub(json, 1, 17) == '{"data":{"name":"' then
      verdicts[i] = 0
    else
      verdicts[i] = (job_name(json) == ARGV[2]) and 1 or 0
    end
  end
end
return {ids, verdicts, size}
`;
