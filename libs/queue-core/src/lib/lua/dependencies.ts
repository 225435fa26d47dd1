import { EVENT_FUNCTIONS } from './events';

/**
 * Lua helpers of job dependencies (a child job that waits for parent jobs of the
 * SAME queue). Self-contained (the shared `EVENT_FUNCTIONS`, scoped under `dep_*`
 * names), so any script can include them whatever else it defines. Every key is derived from the
 * queue's key base (`prefix:queue:`), so a script using them touches one queue only.
 *
 * Keys (see `QueueKeys`): `x:idx:deferred` zset of deferred jobs; per child
 * `x:deps:<id>` the SET of parents not succeeded yet and `x:parents:<id>` the LIST
 * of all its parents; per parent `x:children:<id>` the SET of its children.
 *
 * - `releaseChildren(base, id, now, maxlen)`: parent `id` succeeded. For each
 *   child: SREM the parent from its pending set; the child whose set became empty
 *   leaves `deferred` (ZREM, so it happens once) for waiting (or delayed, when it
 *   was enqueued with a later run-at) with a `waiting` / `delayed` event and a wake
 *   token. O(children of id), O(1) per child; one EXISTS for a job without children.
 * - `failChildren(base, id, now, maxlen, why)`: parent `id` failed for good (or
 *   was removed). Every child still waiting for it is failed (`JOBQ_PARENT_FAILED`,
 *   message naming the parent), and so on down (grandchildren...), breadth first.
 * - `forgetJob(base, id, now, maxlen)`: a job is being deleted (admin remove,
 *   empty, retention): fails the children still waiting for it, then drops its
 *   edges with `dropEdges(base, id)` (its id from its parents' children sets, its
 *   own dependency keys). Retention uses `dropEdges` alone: a finished job has no
 *   child still waiting for it.
 * - `finishDependencies(run, id, outcome, now, maxlen)`: called by FINISH_JOB once
 *   an outcome is final; `run` is the job's run-record key, from which the key
 *   base is derived (so FINISH_JOB's arguments stay as they are).
 */
export const DEPENDENCY_FUNCTIONS = `
local dep_emit, dep_wake, dep_name
do
  -- the shared event helpers, under names of their own (a script may define its own emit)
${EVENT_FUNCTIONS}
  dep_emit, dep_wake, dep_name = emit, wake, nameOf
end
local function dep_keep_failed(json)
  -- options come after the payload in the stored JSON: the last match is ours
  local keep = 604800
  for v in string.gmatch(json, '"keepFailedSeconds":(%d+)') do keep = tonumber(v) end
  return keep
end
local function releaseChildren(base, id, now, maxlen)
  local ckey = base .. 'x:children:' .. id
  if redis.call('exists', ckey) == 0 then return 0 end
  local released = 0
  local woken = false
  for _, child in ipairs(redis.call('smembers', ckey)) do
    local deps = base .. 'x:deps:' .. child
    if redis.call('srem', deps, id) == 1 and redis.call('scard', deps) == 0
      and redis.call('zrem', base .. 'x:idx:deferred', child) == 1 then
      local json = redis.call('hget', base .. 'jobs', child)
      if json then
        local run = base .. 'x:run:' .. child
        local at = tonumber(redis.call('hget', run, 'runAt') or '0') or 0
        local name = dep_name(json)
        if at > tonumber(now) then
          redis.call('zadd', base .. 'delayed', at, child)
          redis.call('hset', run, 'state', 'delayed')
          dep_emit(base .. 'x:events', maxlen, 'delayed', child, name, now, '{"runAt":' .. at .. '}')
        else
          redis.call('lpush', base .. 'waiting', child)
          redis.call('hset', run, 'state', 'waiting')
          dep_emit(base .. 'x:events', maxlen, 'waiting', child, name, now)
        end
        released = released + 1
        if not woken then dep_wake(base .. 'x:wake'); woken = true end
      end
    end
  end
  return released
end
local function failChildren(base, id, now, maxlen, why)
  local todo = {id}
  local i = 1
  local failed = 0
  while i <= #todo do
    local p = todo[i]
    i = i + 1
    local ckey = base .. 'x:children:' .. p
    if redis.call('exists', ckey) == 1 then
      for _, child in ipairs(redis.call('smembers', ckey)) do
        if redis.call('sismember', base .. 'x:deps:' .. child, p) == 1
          and redis.call('zrem', base .. 'x:idx:deferred', child) == 1 then
          redis.call('del', base .. 'x:deps:' .. child)
          local json = redis.call('hget', base .. 'jobs', child)
          if json then
            local name = dep_name(json)
            local message
            if p == id then
              message = 'parent job ' .. p .. ' ' .. why
            else
              message = 'parent job ' .. p .. ' failed because its own parent job ' .. id .. ' ' .. why
            end
            redis.call('sadd', base .. 'failed', child)
            redis.call('zadd', base .. 'x:idx:failed', now, child)
            if name ~= '' then redis.call('zadd', base .. 'x:idx:failed:name:' .. name, now, child) end
            redis.call('zadd', base .. 'x:expiry', tonumber(now) + dep_keep_failed(json) * 1000, child)
            redis.call('hset', base .. 'x:run:' .. child, 'state', 'failed', 'finishedAt', now,
              'errorCode', 'JOBQ_PARENT_FAILED', 'error', message, 'stack', '', 'failedParent', p)
            dep_emit(base .. 'x:events', maxlen, 'failed', child, name, now,
              cjson.encode({message = string.sub(message, 1, 500), code = 'JOBQ_PARENT_FAILED', parent = p}))
            failed = failed + 1
            todo[#todo + 1] = child
          end
        end
      end
    end
  end
  return failed
end
local function dropEdges(base, id)
  redis.call('zrem', base .. 'x:idx:deferred', id)
  local plist = base .. 'x:parents:' .. id
  if redis.call('exists', plist) == 1 then
    local n = redis.call('llen', plist)
    for s = 0, n - 1, 1000 do
      for _, p in ipairs(redis.call('lrange', plist, s, s + 999)) do
        redis.call('srem', base .. 'x:children:' .. p, id)
      end
    end
  end
  redis.call('del', plist, base .. 'x:deps:' .. id, base .. 'x:children:' .. id)
end
local function forgetJob(base, id, now, maxlen)
  failChildren(base, id, now, maxlen, 'was removed')
  dropEdges(base, id)
end
local function finishDependencies(run, id, outcome, now, maxlen)
  local base = string.sub(run, 1, #run - #id - 6)
  if outcome == 'succeeded' then
    releaseChildren(base, id, now, maxlen)
  else
    failChildren(base, id, now, maxlen, 'failed for good')
  end
end
`;
