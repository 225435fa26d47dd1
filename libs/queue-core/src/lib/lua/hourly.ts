/**
 * Lua helpers counting finished jobs in a queue's hourly history bucket
 * (`QueueKeys.throughputHour`): per job name `c:<name>` count, `x:<name>`
 * failed and, when the duration is known, `d<bucket>:<name>` (jobs per duration
 * bucket) and `s:<name>` (summed ms); the hour's totals are the sums over names
 * (earlier releases also wrote them as `p` and `f`, which readers ignore). At most 50 names
 * an hour (`names` counts them); the rest are counted as `(other)`. The bucket
 * expires `ttl` seconds after its first job (when its first name is counted).
 *
 * `hourAdd(agg, name, failed, bucket, durationMs)` adds one job to a Lua table of
 * per-name totals; `countHours(hour, ttl, agg)` writes such a table with one
 * HINCRBY per field (so a batch of jobs of one name costs what one job does);
 * `countHour(hour, ttl, name, failed, bucket, durationMs)` counts a single job.
 */
export const HOURLY_FUNCTION = `
local function hourAdd(agg, name, failed, bucket, durationMs)
  local hname = string.sub(name or '', 1, 200)
  if hname == '' then hname = '(unnamed)' end
  local a = agg[hname]
  if not a then
    a = {c = 0, f = 0, s = 0, d = {}, timed = false}
    agg[hname] = a
  end
  a.c = a.c + 1
  if failed then a.f = a.f + 1 end
  if bucket then
    a.timed = true
    a.d[bucket] = (a.d[bucket] or 0) + 1
    a.s = a.s + math.floor(tonumber(durationMs) or 0)
  end
end
local function countHours(hour, ttl, agg)
  for name, a in pairs(agg) do
    local hname = name
    if redis.call('hincrby', hour, 'c:' .. hname, a.c) == a.c then
      -- a name new this hour: counted as itself while fewer than 50 are
      if hname ~= '(other)' and tonumber(redis.call('hget', hour, 'names') or '0') >= 50 then
        redis.call('hdel', hour, 'c:' .. hname)
        hname = '(other)'
        if redis.call('hincrby', hour, 'c:' .. hname, a.c) == a.c then redis.call('hincrby', hour, 'names', 1) end
      elseif redis.call('hincrby', hour, 'names', 1) == 1 then
        redis.call('expire', hour, tonumber(ttl))
      end
    end
    if a.timed then
      for b, m in pairs(a.d) do redis.call('hincrby', hour, 'd' .. b .. ':' .. hname, m) end
      redis.call('hincrby', hour, 's:' .. hname, a.s)
    end
    if a.f > 0 then redis.call('hincrby', hour, 'x:' .. hname, a.f) end
  end
end
local function countHour(hour, ttl, name, failed, bucket, durationMs)
  local agg = {}
  hourAdd(agg, name, failed, bucket, durationMs)
  countHours(hour, ttl, agg)
end
`;
