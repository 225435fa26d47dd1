import { EVENT_FUNCTIONS } from './events';

/**
 * Enqueues a batch of jobs of one queue atomically, in bee-queue's own layout
 * (`id` counter, `jobs` hash, `waiting` list, `delayed` zset, `earlierDelayed`
 * channel), so bee-queue tools still read them. All or nothing: when a caller-
 * chosen id already belongs to a job of another name, or a new job depends on a
 * parent that does not exist, failed or was canceled, nothing is written.
 *
 * A job whose id exists already is not written again (idempotent enqueue; its
 * dependencies are not looked at and no edge is added). Each new job gets a
 * `waiting` or `delayed` event; a worker is woken when jobs became waiting, or
 * when a delayed job is due earlier than any before it.
 *
 * Dependencies (see `DEPENDENCY_FUNCTIONS`): a new job's parents are ids of jobs
 * of this queue that exist already or are written earlier in this batch (so a
 * cycle cannot be made: a parent always exists before its child). Every parent is
 * listed in `x:parents:<id>` and the child added to its `x:children:<parent>`;
 * parents that have not succeeded yet go to the child's `x:deps:<id>`. With at
 * least one such parent the child is `deferred` (index `x:idx:deferred`, run
 * record state and its run-at, `deferred` event) until they all succeed.
 *
 * KEYS: 1 id counter, 2 jobs, 3 waiting, 4 delayed, 5 events, 6 wake,
 *       7 earlierDelayed (bee-queue's channel)
 * ARGV: 1 events max length, 2 now ms, 3 key base (`prefix:queue:`), then per job:
 *       id ('' = next counter value), name, job JSON, run-at ms (0 = now),
 *       parent ids joined by ',' ('' = none)
 * Returns { 'ok', id, created (1|0), ... } or { 'conflict', item index (0-based),
 *   id, name of the existing job } or { 'missingParent' | 'failedParent', item
 *   index, parent id[, 'failed' | 'canceled'] }.
 */
export const ENQUEUE_JOBS = `${EVENT_FUNCTIONS}
local maxlen, now, base = ARGV[1], ARGV[2], ARGV[3]
local F = 5
local n = (#ARGV - 3) / F
local function parentsOf(list)
  local out = {}
  for p in string.gmatch(list, '[^,]+') do out[#out + 1] = p end
  return out
end
local inBatch = {}
for i = 0, n - 1 do
  local id, name, deps = ARGV[4 + i * F], ARGV[5 + i * F], ARGV[8 + i * F]
  local exists = false
  if id ~= '' then
    local existing = redis.call('hget', KEYS[2], id)
    if existing then
      exists = true
      local other = nameOf(existing)
      if other ~= name then return {'conflict', i, id, other} end
    end
  end
  if deps ~= '' and not exists and not (id ~= '' and inBatch[id]) then
    for _, p in ipairs(parentsOf(deps)) do
      if redis.call('hexists', KEYS[2], p) == 1 then
        if redis.call('sismember', base .. 'failed', p) == 1 then return {'failedParent', i, p, 'failed'} end
        if redis.call('zscore', base .. 'x:idx:canceled', p) then return {'failedParent', i, p, 'canceled'} end
      elseif not inBatch[p] then
        return {'missingParent', i, p}
      end
    end
  end
  if id ~= '' then inBatch[id] = true end
end
local out = {'ok'}
local woken = false
local earliest = false
for i = 0, n - 1 do
  local id, name, json, runAt, deps = ARGV[4 + i * F], ARGV[5 + i * F], ARGV[6 + i * F], tonumber(ARGV[7 + i * F]), ARGV[8 + i * F]
  if id == '' then id = tostring(redis.call('incr', KEYS[1])) end
  if redis.call('hsetnx', KEYS[2], id, json) == 1 then
    local pending = 0
    if deps ~= '' then
      local parents, open = parentsOf(deps), {}
      for _, p in ipairs(parents) do
        redis.call('sadd', base .. 'x:children:' .. p, id)
        if redis.call('sismember', base .. 'succeeded', p) == 0 then open[#open + 1] = p end
      end
      -- the lists go in 1,000 at a time (Lua's unpack limit)
      for s = 1, #parents, 1000 do
        redis.call('rpush', base .. 'x:parents:' .. id, unpack(parents, s, math.min(s + 999, #parents)))
      end
      for s = 1, #open, 1000 do
        pending = pending + redis.call('sadd', base .. 'x:deps:' .. id, unpack(open, s, math.min(s + 999, #open)))
      end
    end
    if pending > 0 then
      redis.call('zadd', base .. 'x:idx:deferred', now, id)
      redis.call('hset', base .. 'x:run:' .. id, 'state', 'deferred', 'runAt', runAt)
      emit(KEYS[5], maxlen, 'deferred', id, name, now, '{"parents":' .. pending .. '}')
    elseif runAt > 0 then
      if earliest == false then
        local head = redis.call('zrange', KEYS[4], 0, 0, 'WITHSCORES')
        earliest = head[2] and tonumber(head[2]) or math.huge
      end
      redis.call('zadd', KEYS[4], runAt, id)
      emit(KEYS[5], maxlen, 'delayed', id, name, now, '{"runAt":' .. runAt .. '}')
      if runAt < earliest then
        earliest = runAt
        redis.call('publish', KEYS[7], runAt)
        if not woken then wake(KEYS[6]); woken = true end
      end
    else
      redis.call('lpush', KEYS[3], id)
      emit(KEYS[5], maxlen, 'waiting', id, name, now)
      if not woken then wake(KEYS[6]); woken = true end
    end
    out[#out + 1] = id
    out[#out + 1] = 1
  else
    out[#out + 1] = id
    out[#out + 1] = 0
  end
end
return out
`;
