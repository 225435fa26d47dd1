import { EVENT_FUNCTIONS } from './events';

/**
 * Lua of the schedule scripts. Every one touches ONE queue's keys:
 *
 * KEYS: 1 schedules hash, 2 jobs, 3 waiting, 4 delayed, 5 events, 6 wake,
 *       7 earlierDelayed (bee-queue's channel)
 * ARGV: 1 events max length, 2 now ms, 3 key base (`prefix:queue:`), 4 schedule
 *       name, then the script's own arguments.
 *
 * A stored schedule (JSON in the hash) has: name, job, v (version: hash of the
 * definition), timing, startAt/endAt/limit (0 = none), description, template
 * (the job JSON its runs are made from), paused, count (scheduled runs taken),
 * lastRunAt, lastJobId, nextRunAt (0 = none), pendingId ('' = none), createdAt,
 * updatedAt. An active schedule has exactly one pending job: the delayed job of
 * its next run, id `sched:<name>:<due ms>`.
 */
const SCHEDULE_FUNCTIONS = `${EVENT_FUNCTIONS}
local maxlen, now, base, name = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local function addJob(id, job, json, runAt)
  if redis.call('hsetnx', KEYS[2], id, json) == 0 then return 0 end
  if runAt > now then
    local head = redis.call('zrange', KEYS[4], 0, 0, 'WITHSCORES')
    redis.call('zadd', KEYS[4], runAt, id)
    emit(KEYS[5], maxlen, 'delayed', id, job, now, '{"runAt":' .. string.format('%d', runAt) .. '}')
    if not head[2] or runAt < tonumber(head[2]) then
      redis.call('publish', KEYS[7], string.format('%d', runAt))
      wake(KEYS[6])
    end
  else
    redis.call('lpush', KEYS[3], id)
    emit(KEYS[5], maxlen, 'waiting', id, job, now)
    wake(KEYS[6])
  end
  return 1
end
-- Removes the pending job if it is still delayed (a due one already waiting or running is left to run).
local function dropPending(s)
  local id = s.pendingId
  if id and id ~= '' and redis.call('zscore', KEYS[4], id) then
    redis.call('zrem', KEYS[4], id)
    redis.call('hdel', KEYS[2], id)
    redis.call('del', base .. 'x:run:' .. id, base .. 'x:log:' .. id)
    emit(KEYS[5], maxlen, 'removed', id, s.job, now)
  end
  s.pendingId = ''
  s.nextRunAt = 0
end
-- Whether the pending job still exists and has not finished.
local function pendingAlive(s)
  local id = s.pendingId
  if not id or id == '' or redis.call('hexists', KEYS[2], id) == 0 then return false end
  local state = redis.call('hget', base .. 'x:run:' .. id, 'state')
  return state ~= 'succeeded' and state ~= 'failed'
end
-- Enqueues the next run at \`next\` (0 = none) unless paused, over the limit or past the end date.
local function arm(s, next, id, json)
  s.pendingId = ''
  s.nextRunAt = 0
  if s.paused or next <= 0 then return end
  if s.limit > 0 and s.count >= s.limit then return end
  if s.endAt > 0 and next > s.endAt then return end
  addJob(id, s.job, json, next)
  s.pendingId = id
  s.nextRunAt = next
end
local function load()
  local cur = redis.call('hget', KEYS[1], name)
  if not cur then return nil end
  return cjson.decode(cur)
end
local function save(s)
  s.updatedAt = now
  redis.call('hset', KEYS[1], name, cjson.encode(s))
end
`;

/**
 * Creates or updates a schedule. Same version: nothing changes (so any number of
 * processes may declare it at start), except that a schedule whose pending job
 * is gone is re-armed. New version: the definition is replaced, the run count,
 * last run and paused flag kept, the old pending job removed if still delayed,
 * and the next run enqueued.
 *
 * ARGV 5 new schedule JSON (definition fields only), 6 next run ms (0 = none),
 *   7 its job id, 8 its job JSON, 9 most schedules per queue.
 * Returns { outcome, nextRunAt }: outcome created | updated | unchanged | repaired | full.
 */
export const SCHEDULE_UPSERT = `${SCHEDULE_FUNCTIONS}
local fresh = cjson.decode(ARGV[5])
local next, id, json = tonumber(ARGV[6]), ARGV[7], ARGV[8]
local s = load()
local outcome
if s then
  if s.v == fresh.v then
    -- No pending run: paused or ended (limit, end date). A pending run that is gone or
    -- finished without scheduling the next one was lost: re-arm it.
    if s.paused or s.pendingId == '' or pendingAlive(s) then return {'unchanged', s.nextRunAt} end
    outcome = 'repaired'
  else
    dropPending(s)
    for _, f in ipairs({'paused', 'count', 'lastRunAt', 'lastJobId', 'createdAt'}) do fresh[f] = s[f] end
    s = fresh
    outcome = 'updated'
  end
else
  if redis.call('hlen', KEYS[1]) >= tonumber(ARGV[9]) then return {'full', 0} end
  s = fresh
  s.paused, s.count, s.lastRunAt, s.lastJobId, s.createdAt = false, 0, 0, '', now
  outcome = 'created'
end
arm(s, next, id, json)
save(s)
return {outcome, s.nextRunAt}
`;

/**
 * The step a worker runs when it takes a scheduled job: if the job is still the
 * schedule's pending run of the same version, counts it and enqueues the next
 * run; otherwise (re-declared, paused, removed, or a rerun of a job already
 * counted) does nothing.
 *
 * ARGV 5 version of the job, 6 its id, 7 next run ms (0 = none), 8 its job id,
 *   9 its job JSON.
 * Returns gone | stale | ok.
 */
export const SCHEDULE_ADVANCE = `${SCHEDULE_FUNCTIONS}
local s = load()
if not s then return 'gone' end
if s.v ~= ARGV[5] or s.pendingId ~= ARGV[6] then return 'stale' end
s.count = s.count + 1
s.lastRunAt = now
s.lastJobId = ARGV[6]
arm(s, tonumber(ARGV[7]), ARGV[8], ARGV[9])
save(s)
return 'ok'
`;

/**
 * Pauses a schedule: its pending job is removed (if still delayed) and no run is
 * enqueued until it is resumed. Returns missing | unchanged | paused.
 */
export const SCHEDULE_PAUSE = `${SCHEDULE_FUNCTIONS}
local s = load()
if not s then return 'missing' end
if s.paused then return 'unchanged' end
dropPending(s)
s.paused = true
save(s)
return 'paused'
`;

/**
 * Resumes a paused schedule and enqueues its next run (computed by the caller
 * from the version it read). ARGV 5 version, 6 next run ms, 7 its job id, 8 its
 * job JSON. Returns missing | unchanged | stale | resumed.
 */
export const SCHEDULE_RESUME = `${SCHEDULE_FUNCTIONS}
local s = load()
if not s then return 'missing' end
if not s.paused then return 'unchanged' end
if s.v ~= ARGV[5] then return 'stale' end
s.paused = false
arm(s, tonumber(ARGV[6]), ARGV[7], ARGV[8])
save(s)
return 'resumed'
`;

/**
 * Runs a schedule now: enqueues a waiting job (not counted against the limit;
 * the pending next run is untouched). ARGV 5 job id, 6 job JSON.
 * Returns missing | ok | exists.
 */
export const SCHEDULE_TRIGGER = `${SCHEDULE_FUNCTIONS}
local s = load()
if not s then return 'missing' end
if addJob(ARGV[5], s.job, ARGV[6], 0) == 0 then return 'exists' end
s.lastRunAt = now
s.lastJobId = ARGV[5]
save(s)
return 'ok'
`;

/** Removes a schedule and its pending job (if still delayed). Returns missing | removed. */
export const SCHEDULE_REMOVE = `${SCHEDULE_FUNCTIONS}
local s = load()
if not s then return 'missing' end
dropPending(s)
redis.call('hdel', KEYS[1], name)
return 'removed'
`;
