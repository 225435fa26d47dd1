import type { StoredJob } from './records';

/**
 * Milliseconds to wait before the next attempt, after attempt number `attempt`
 * (1-based) failed; 0 means "at once".
 */
export function backoffDelay(backoff: StoredJob['options']['backoff'], attempt: number): number {
  if (!backoff) return 0;
  if (backoff.strategy === 'fixed') return backoff.delay;
  // Cap the exponent so a long retry chain cannot overflow into Infinity.
  return backoff.delay * 2 ** Math.min(Math.max(attempt - 1, 0), 20);
}
