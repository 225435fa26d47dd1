import { InvalidArgumentError, JobAlreadyFinishedError, JobNotFoundError, PayloadValidationError, QueueError, RedisUnavailableError, redactUrl } from '@jobq/queue-core';
import { CommanderError } from 'commander';
import { CliError } from './cli-error';
import { EXIT } from './exit-codes';

/** ioredis's messages when the server is gone or silent. */
const REDIS_DOWN = /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Reached the max retries|MaxRetriesPerRequest|connect ETIMEDOUT|LOADING/;

/**
 * Turns anything a command threw into a `CliError` with an exit code: queue-core's
 * typed errors by their code, ioredis's connection errors as "Redis unavailable",
 * anything else as a failure (its message only, never a stack).
 */
export function toCliError(err: unknown, redisUrl: string | null): CliError {
  if (err instanceof CliError) return err;
  const where = redisUrl ? ` at ${redactUrl(redisUrl)}` : '';
  if (err instanceof RedisUnavailableError) return new CliError('REDIS_UNAVAILABLE', err.message, EXIT.redisUnavailable);
  if (err instanceof PayloadValidationError) {
    return new CliError('PAYLOAD_INVALID', `invalid payload for job "${err.jobName}"`, EXIT.usage, err.issues);
  }
  if (err instanceof JobNotFoundError) return CliError.notFound(err.message);
  if (err instanceof JobAlreadyFinishedError) return CliError.conflict(err.message);
  if (err instanceof InvalidArgumentError) return CliError.refused(err.message);
  if (err instanceof QueueError && err.code === 'JOBQ_SCHEDULE_NOT_FOUND') return CliError.notFound(err.message);
  if (err instanceof QueueError && err.code === 'JOBQ_SCHEDULE_AMBIGUOUS') return CliError.usage(err.message);
  if (err instanceof QueueError && err.code === 'JOBQ_CONFIG_INVALID') return CliError.usage(err.message);
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  if (REDIS_DOWN.test(message) || name === 'MaxRetriesPerRequestError') {
    return new CliError('REDIS_UNAVAILABLE', `Redis${where} is unavailable: ${message}`, EXIT.redisUnavailable);
  }
  if (err instanceof CommanderError) return CliError.usage(err.message.replace(/^error: /, ''));
  return new CliError('FAILED', message || 'unexpected error', EXIT.failure);
}
