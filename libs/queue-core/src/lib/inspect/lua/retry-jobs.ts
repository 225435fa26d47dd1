import { EMIT_LUA } from './emit';

/**
 * Moves failed jobs back to waiting, atomically per job: only a job that is still
 * failed and whose stored JSON is still the one the caller read (same SHA-1) is
 * touched, so a concurrent change is never overwritten. The caller prepares the
 * new JSON in JavaScript (status 'created', retries reset) because re-encoding
 * with cjson would alter numbers and empty arrays of the payload.
 *
 * Each moved job gets a `waiting` event, and idle workers a wake-up token.
 *
 * KEYS: 1 jobs, 2 failed set, 3 failed index, 4 expiry, 5 waiting, 6 events
 *       stream, 7 wake list
 * ARGV: 1 key base (`prefix:queue:`), 2 events max length, then per job: id,
 *       SHA-1 of the JSON read, new JSON, job name ('' when unknown)
 * Returns the ids that were moved.
 */
export const RETRY_JOBS = `${EMIT_LUA}
local base, maxlen = ARGV[1], ARGV[2]
local moved = {}
for i = 3, #ARGV, 4 do
  local id, sha, json, name = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local current = redis.call('hget', KEYS[1], id)
  local failed = redis.call('sismember', KEYS[2], id) == 1 or redis.call('zscore', KEYS[3], id)
  if current and failed and redis.sha1hex(current) == sha then
    redis.call('hset', KEYS[1], id, json)
    redis.call('srem', KEYS[2], id)
    redis.call('zrem', KEYS[3], id)
    if name ~= '' then redis.call('zrem', base .. 'x:idx:failed:name:' .. name, id) end
    redis.call('zrem', KEYS[4], id)
    local run = base .. 'x:run:' .. id
    redis.call('hdel', run, 'finishedAt', 'durationMs')
    redis.call('hset', run, 'state', 'waiting')
    redis.call('lpush', KEYS[5], id)
    emit(KEYS[6], maxlen, 'waiting', id, name)
    moved[#moved + 1] = id
  end
end
if #moved > 0 then wake(KEYS[7]) end
return moved
`;
