import { EVENT_FUNCTIONS } from './events';

/**
 * Stores a running job's latest progress and appends a `progress` event, unless
 * the job is no longer active (finished, removed or taken back meanwhile).
 *
 * KEYS: 1 run record, 2 events
 * ARGV: 1 id, 2 job name, 3 progress JSON (bounded by the caller), 4 now ms,
 *       5 events max length
 * Returns 1 when stored, 0 when the job was no longer active.
 */
export const REPORT_PROGRESS = `${EVENT_FUNCTIONS}
if redis.call('hget', KEYS[1], 'state') ~= 'active' then return 0 end
redis.call('hset', KEYS[1], 'progress', ARGV[3])
emit(KEYS[2], ARGV[5], 'progress', ARGV[1], ARGV[2], ARGV[4], ARGV[3])
return 1
`;
