/**
 * Exit codes scripts can rely on (documented in apps/cli/README.md).
 * 69 is sysexits' EX_UNAVAILABLE.
 */
export const EXIT = Object.freeze({
  /** The command did what was asked. */
  ok: 0,
  /** It could not: a refused action (e.g. retrying a job that is not failed), an unconfirmed prompt, an unexpected error. */
  failure: 1,
  /** Bad usage: unknown command or option, bad value, invalid payload, missing confirmation off a terminal. */
  usage: 2,
  /** The queue or job does not exist. */
  notFound: 3,
  /** The job already finished (succeeded, failed or canceled), so it cannot be canceled. */
  conflict: 4,
  /** Redis did not answer (down, wrong URL, timed out). */
  redisUnavailable: 69,
} as const);

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
