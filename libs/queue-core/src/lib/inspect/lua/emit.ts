/**
 * Lua helpers of the admin scripts that change a job's state: `emit` appends one
 * entry to the queue's job event stream (the format workers and producers use:
 * `ev`, `id`, `name`, `at`), trimmed to about `maxlen` entries; `wake` pushes a
 * wake-up token for idle workers unless one is already waiting (at most one).
 * Both keys belong to the queue the script works on.
 */
export const EMIT_LUA = `
local function now_ms()
  local t = redis.call('time')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function emit(stream, maxlen, ev, id, name)
  redis.call('xadd', stream, 'MAXLEN', '~', maxlen, '*', 'ev', ev, 'id', id, 'name', name or '', 'at', now_ms())
end
local function wake(list)
  if redis.call('llen', list) == 0 then redis.call('lpush', list, '1') end
end
`;
