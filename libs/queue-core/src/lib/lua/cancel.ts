import { DEPENDENCY_FUNCTIONS } from './dependencies';
import { EVENT_FUNCTIONS } from './events';

/** Message and code stored in the run record of a canceled job. */
export const CANCELED_MESSAGE = 'The job was canceled.';
/** Retention of a canceled job when its stored options do not say (as for failed jobs: 7 days). */
export const DEFAULT_CANCELED_KEEP_SECONDS = 604_800;

/**
 * Lua helpers for canceled jobs. `keepOf(json)` reads the job's
 * `options.jobq.keepFailedSeconds` (canceled jobs are kept as long as failed ones;
 * the last match wins, as options follow the payload in our JSON).
 *
 * `markCanceled(x, id, name, now, keep, events, maxlen, from)`: records the end of
 * a canceled job under the queue's `x:` key base: the `canceled` index (per
 * state and per job name), the retention deadline, the run record and a
 * `canceled` event, and fails the deferred children waiting for it (so a script
 * including these helpers must include `DEPENDENCY_FUNCTIONS` before them). The
 * caller has already taken the id out of the structure that held it.
 */
export const CANCELED_FUNCTIONS = `
local function keepOf(json)
  local keep = ${DEFAULT_CANCELED_KEEP_SECONDS}
  if json then
    for v in string.gmatch(json, '"keepFailedSeconds":(%d+)') do keep = tonumber(v) end
  end
  return keep
end
local function markCanceled(x, id, name, now, keep, events, maxlen, from)
  redis.call('srem', x .. 'canceling', id)
  -- deferred children waiting for it can never run: they fail, naming it
  failChildren(string.sub(x, 1, #x - 2), id, now, maxlen, 'was canceled')
  redis.call('zadd', x .. 'idx:canceled', now, id)
  if name ~= '' then redis.call('zadd', x .. 'idx:canceled:name:' .. name, now, id) end
  redis.call('zadd', x .. 'expiry', tonumber(now) + keep * 1000, id)
  redis.call('hset', x .. 'run:' .. id, 'state', 'canceled', 'finishedAt', now, 'error', '${CANCELED_MESSAGE}', 'errorCode', 'JOBQ_JOB_CANCELED', 'stack', '')
  emit(events, maxlen, 'canceled', id, name, now, '{"from":"' .. from .. '"}')
end
`;

/**
 * Cancels one job. A waiting, delayed or deferred job is canceled at once: taken out of
 * its list/zset and recorded by `markCanceled`. A running one is only marked
 * (`cancelRequested` in its run record): the caller tells its worker, and the
 * finish script ends it `canceled` whatever the handler did.
 *
 * KEYS: 1 jobs, 2 waiting, 3 active, 4 delayed, 5 succeeded set, 6 failed set,
 *       7 canceled index, 8 expiry, 9 events, 10 run record, 11 canceling set
 *       (running jobs marked; the finish script checks it)
 * ARGV: 1 id, 2 job name ('' when unknown), 3 now ms, 4 events max length,
 *       5 most bytes of job JSON read into the script (a longer job keeps the default retention)
 * Returns {1, 'waiting'|'delayed'} canceled; {2, worker} cancel requested of a
 * running job; {0} no such job; {-1, state} already finished; {-2} in no state
 * that can be canceled.
 */
export const CANCEL_JOB = `${EVENT_FUNCTIONS}${DEPENDENCY_FUNCTIONS}${CANCELED_FUNCTIONS}
local id, name, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('hexists', KEYS[1], id) == 0 then return {0} end
if redis.call('sismember', KEYS[5], id) == 1 then return {-1, 'succeeded'} end
if redis.call('sismember', KEYS[6], id) == 1 then return {-1, 'failed'} end
if redis.call('zscore', KEYS[7], id) then return {-1, 'canceled'} end
if redis.call('lpos', KEYS[3], id) then
  if redis.call('hexists', KEYS[10], 'cancelRequested') == 0 then redis.call('hset', KEYS[10], 'cancelRequested', now) end
  redis.call('sadd', KEYS[11], id)
  return {2, redis.call('hget', KEYS[10], 'worker') or ''}
end
local x = string.sub(KEYS[10], 1, #KEYS[10] - #id - 4)
local from
if redis.call('zrem', KEYS[4], id) == 1 then from = 'delayed'
elseif redis.call('zrem', x .. 'idx:deferred', id) == 1 then
  -- waiting for its parents: it stops waiting (its parent list stays, for its page)
  from = 'deferred'
  redis.call('del', x .. 'deps:' .. id)
elseif redis.call('lrem', KEYS[2], 1, id) == 1 then from = 'waiting'
else return {-2} end
local json = nil
if redis.call('hstrlen', KEYS[1], id) <= tonumber(ARGV[5]) then json = redis.call('hget', KEYS[1], id) end
markCanceled(x, id, name, now, keepOf(json), KEYS[9], ARGV[4], from)
return {1, from}
`;
