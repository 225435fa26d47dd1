import { QueueError } from '@jobq/queue-core';
import { ZodError } from 'zod';

/** An error with the HTTP status it should be answered with. */
export class HttpError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Statuses of queue-core's error codes: the one place the HTTP layer maps them. */
const STATUS_OF_CODE: Partial<Record<QueueError['code'], number>> = {
  JOBQ_INVALID_ARGUMENT: 400,
  JOBQ_JOB_NOT_FOUND: 404,
  JOBQ_PAYLOAD_INVALID: 422,
  JOBQ_REDIS_UNAVAILABLE: 503,
};

const REDIS_GONE = /Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/i;

/**
 * Turns anything thrown into an {@link HttpError}: bad input 400, missing 404,
 * CSRF 403, Redis away 503, everything else 500 (with a generic message; the
 * original is logged, never shown).
 */
export function toHttpError(err: unknown, redisReady: boolean): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) {
    return new HttpError(400, err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
  }
  if (err instanceof QueueError) {
    const status = STATUS_OF_CODE[err.code];
    if (status) return new HttpError(status, status === 503 ? 'Redis is not reachable.' : err.message);
  }
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  if (e?.code === 'EBADCSRFTOKEN') return new HttpError(403, 'The form was stale or not sent by this dashboard (CSRF check failed). Reload the page and try again.');
  const status = Number(e?.status ?? e?.statusCode);
  if (status >= 400 && status < 500) return new HttpError(status, typeof e.type === 'string' ? `Bad request (${e.type}).` : 'Bad request.');
  if (!redisReady || (typeof e?.message === 'string' && REDIS_GONE.test(e.message))) {
    return new HttpError(503, 'Redis is not reachable. The dashboard keeps trying to reconnect; this page recovers on its own.');
  }
  return new HttpError(500, 'Something went wrong on the server; the error was logged.');
}
