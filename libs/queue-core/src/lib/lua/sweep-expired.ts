import { DEPENDENCY_FUNCTIONS } from './dependencies';

/**
 * Retention: deletes finished jobs from every structure (bee-queue's hash and
 * sets, our indexes (canceled too), run record and log lines), in small batches so Redis stays responsive;
 * the caller loops. A deleted job's dependency edges go with it (`dropEdges`). Which jobs: ARGV[3] = 'expired' takes up to ARGV[4] jobs whose
 * keep time has passed (expiry zset); 'overflow' takes the ARGV[4] oldest of
 * the finished-state index KEYS[7] (count cap).
 *
 * KEYS: 1 expiry, 2 jobs, 3 succeeded set, 4 failed set, 5 succeeded index,
 *       6 failed index, 7 index to trim ('overflow' only; else any key)
 * ARGV: 1 now ms, 2 key base, 3 mode, 4 limit
 * Returns the number of jobs deleted.
 */
export const SWEEP_EXPIRED = `${DEPENDENCY_FUNCTIONS}
local base = ARGV[2]
local ids
if ARGV[3] == 'overflow' then
  ids = redis.call('zrange', KEYS[7], 0, tonumber(ARGV[4]) - 1)
else
  ids = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
end
for _, id in ipairs(ids) do
  local json = redis.call('hget', KEYS[2], id)
  if json then
    local ok, job = pcall(cjson.decode, json)
    if ok and type(job) == 'table' and type(job.data) == 'table' and type(job.data.name) == 'string' then
      redis.call('zrem', base .. 'x:idx:succeeded:name:' .. job.data.name, id)
      redis.call('zrem', base .. 'x:idx:failed:name:' .. job.data.name, id)
      redis.call('zrem', base .. 'x:idx:canceled:name:' .. job.data.name, id)
    end
  end
  redis.call('hdel', KEYS[2], id)
  redis.call('srem', KEYS[3], id)
  redis.call('srem', KEYS[4], id)
  redis.call('zrem', KEYS[5], id)
  redis.call('zrem', KEYS[6], id)
  redis.call('zrem', base .. 'x:idx:canceled', id)
  redis.call('zrem', KEYS[1], id)
  redis.call('del', base .. 'x:run:' .. id, base .. 'x:log:' .. id)
  dropEdges(base, id)
end
return #ids
`;
