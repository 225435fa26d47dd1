import { EVENT_FUNCTIONS } from './events';

/**
 * Reads what a job handle needs without sending the payload over the wire: the
 * job's name (from its stored JSON, read inside Redis), its run-record fields and
 * whether it is delayed.
 *
 * KEYS: 1 jobs, 2 run record, 3 delayed
 * ARGV: 1 id, then the run-record fields to return
 * Returns { exists (1|0), name, delayed (1|0), field values... }.
 */
export const READ_JOB = `${EVENT_FUNCTIONS}
local json = redis.call('hget', KEYS[1], ARGV[1])
if not json then return {0} end
local out = {1, nameOf(json), redis.call('zscore', KEYS[3], ARGV[1]) and 1 or 0}
for i = 2, #ARGV do
  out[#out + 1] = redis.call('hget', KEYS[2], ARGV[i]) or false
end
return out
`;
