import { EVENT_FUNCTIONS } from './events';

/**
 * Reads parents of a running job for `ctx.parentResult(s)`: per id its job name
 * (read inside Redis, so payloads never leave it), whether it succeeded, and its
 * result JSON when it succeeded and its name is the one asked for.
 *
 * KEYS: 1 jobs, 2 succeeded set
 * ARGV: 1 key base (`prefix:queue:`), 2 job name whose results to return, 3.. ids
 * Returns per id { exists (1|0), name, succeeded (1|0), result JSON or false }.
 */
export const READ_PARENTS = `${EVENT_FUNCTIONS}
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local json = redis.call('hget', KEYS[1], id)
  if not json then
    out[#out + 1] = {0, '', 0, false}
  else
    local name = nameOf(json)
    local ok = redis.call('sismember', KEYS[2], id)
    local result = false
    if ok == 1 and name == ARGV[2] then result = redis.call('hget', ARGV[1] .. 'x:run:' .. id, 'result') or false end
    out[#out + 1] = {1, name, ok, result}
  end
end
return out
`;
