/**
 * Lua helper `countHour(hour, ttl, name, failed, bucket, durationMs)`: counts one
 * finished job in a queue's hourly history bucket (`QueueKeys.throughputHour`):
 * `p` processed and `f` failed, and per job name `c:<name>` count, `x:<name>`
 * failed and, when the duration is known (`bucket` ~= nil), `d<bucket>:<name>`
 * and `s:<name>` summed ms. At most 50 names an hour (`names` counts them); the
 * rest are counted as `(other)`. The bucket expires `ttl` seconds after its
 * first job.
 */
export const HOURLY_FUNCTION = `
local function countHour(hour, ttl, name, failed, bucket, durationMs)
  local hname = string.sub(name or '', 1, 200)
  if hname == '' then hname = '(unnamed)' end
  if redis.call('hexists', hour, 'c:' .. hname) == 0 and tonumber(redis.call('hget', hour, 'names') or '0') >= 50 then hname = '(other)' end
  if redis.call('hincrby', hour, 'p', 1) == 1 then redis.call('expire', hour, tonumber(ttl)) end
  if redis.call('hincrby', hour, 'c:' .. hname, 1) == 1 then redis.call('hincrby', hour, 'names', 1) end
  if bucket then
    redis.call('hincrby', hour, 'd' .. bucket .. ':' .. hname, 1)
    redis.call('hincrby', hour, 's:' .. hname, math.floor(tonumber(durationMs) or 0))
  end
  if failed then
    redis.call('hincrby', hour, 'f', 1)
    redis.call('hincrby', hour, 'x:' .. hname, 1)
  end
end
`;
