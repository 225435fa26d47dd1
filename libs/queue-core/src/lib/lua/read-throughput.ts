/**
 * Reads a run of one queue's throughput buckets in one call (instead of one
 * command per bucket: a day is 1,440 minutes), keys named from the queue's key
 * base. KEYS: the queue's `jobs` key (declared only, so the call stays on the
 * queue's keys).
 * ARGV: 1 key base (`prefix:queue:`), 2 kind: `m` (the per-minute counters
 *       `x:tput:<minute>`) or `h` (the hourly history `x:tput:h:<hour>`), 3 first
 *       bucket (epoch minutes or hours), 4 how many
 * Returns, for `m`, a flat list of processed, failed per minute (nil when
 * absent); for `h`, per hour its flat field/value list (HGETALL).
 */
export const READ_THROUGHPUT = `
local base, kind, first, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
if kind == 'm' then
  for i = 0, n - 1 do
    local v = redis.call('hmget', base .. 'x:tput:' .. string.format('%d', first + i), 'processed', 'failed')
    out[#out + 1] = v[1]
    out[#out + 1] = v[2]
  end
else
  for i = 0, n - 1 do
    out[#out + 1] = redis.call('hgetall', base .. 'x:tput:h:' .. string.format('%d', first + i))
  end
end
return out
`;
