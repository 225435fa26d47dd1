import { EXIT, type ExitCode } from './exit-codes';

/** Stable codes of the errors the CLI reports (the `error.code` of `--json` error output). */
export type CliErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'NOT_CONFIRMED'
  | 'REFUSED'
  | 'ALREADY_FINISHED'
  | 'PAYLOAD_INVALID'
  | 'REDIS_UNAVAILABLE'
  | 'FAILED';

/** One bad field of a payload, for `--json` error output. */
export interface CliErrorIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * An error the CLI reports as one line (plus, for payloads, one line per bad
 * field) and turns into an exit code; never printed with a stack.
 */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode: ExitCode,
    readonly issues: readonly CliErrorIssue[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }

  /** Bad usage (exit 2). */
  static usage(message: string): CliError {
    return new CliError('USAGE', message, EXIT.usage);
  }

  /** Unknown queue or job (exit 3). */
  static notFound(message: string): CliError {
    return new CliError('NOT_FOUND', message, EXIT.notFound);
  }

  /** The job already finished, so it cannot be canceled (exit 4). */
  static conflict(message: string): CliError {
    return new CliError('ALREADY_FINISHED', message, EXIT.conflict);
  }

  /** An action the queue refused (exit 1). */
  static refused(message: string): CliError {
    return new CliError('REFUSED', message, EXIT.failure);
  }
}
