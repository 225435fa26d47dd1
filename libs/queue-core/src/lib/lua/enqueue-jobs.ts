import { EVENT_FUNCTIONS } from './events';

/**
 * Enqueues a batch of jobs of one queue atomically, in bee-queue's own layout
 * (`id` counter, `jobs` hash, `waiting` list, `delayed` zset, `earlierDelayed`
 * channel), so bee-queue tools still read them. All or nothing: when a caller-
 * chosen id already belongs to a job of another name, nothing is written.
 *
 * A job whose id exists already is not written again (idempotent enqueue). Each
 * new job gets a `waiting` or `delayed` event; a worker is woken when jobs became
 * waiting, or when a delayed job is due earlier than any before it.
 *
 * KEYS: 1 id counter, 2 jobs, 3 waiting, 4 delayed, 5 events, 6 wake,
 *       7 earlierDelayed (bee-queue's channel)
 * ARGV: 1 events max length, 2 now ms, then per job: id ('' = next counter
 *       value), name, job JSON, run-at ms (0 = now)
 * Returns { 'ok', id, created (1|0), ... } or { 'conflict', item index (0-based),
 *   id, name of the existing job }.
 */
export const ENQUEUE_JOBS = `${EVENT_FUNCTIONS}
local maxlen, now = ARGV[1], ARGV[2]
local n = (#ARGV - 2) / 4
for i = 0, n - 1 do
  local id, name = ARGV[3 + i * 4], ARGV[4 + i * 4]
  if id ~= '' then
    local existing = redis.call('hget', KEYS[2], id)
    if existing then
      local other = nameOf(existing)
      if other ~= name then return {'conflict', i, id, other} end
    end
  end
end
local out = {'ok'}
local woken = false
local earliest = false
for i = 0, n - 1 do
  local id, name, json, runAt = ARGV[3 + i * 4], ARGV[4 + i * 4], ARGV[5 + i * 4], tonumber(ARGV[6 + i * 4])
  if id == '' then id = tostring(redis.call('incr', KEYS[1])) end
  if redis.call('hsetnx', KEYS[2], id, json) == 1 then
    if runAt > 0 then
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
