import { ConfigError, parseQueueConfig, type QueueConfig } from '@jobq/queue-core';
import { CliError } from './cli-error';

/** The options every command accepts (commander's merged values). */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly redisUrl?: string;
  readonly prefix?: string;
  readonly timeout?: number;
  readonly color?: boolean;
}

/** What the CLI runs with, parsed once from the options and the environment. */
export interface CliConfig {
  /** Redis URL, prefix and connect timeout. */
  readonly queue: QueueConfig;
  /** Bound on connecting and on every Redis command, ms. */
  readonly timeoutMs: number;
  /** Machine output (`--json`). */
  readonly json: boolean;
  /** Colours: only on a terminal, never with `NO_COLOR` or `--no-color` or `--json`. */
  readonly color: boolean;
  /** Whether stdout is a terminal (long values are cut short there). */
  readonly stdoutIsTty: boolean;
  /** Whether stdin is a terminal (confirmation prompts need one). */
  readonly stdinIsTty: boolean;
  /** Terminal width, or 120 off a terminal. */
  readonly columns: number;
}

/** The process facts {@link parseCliConfig} reads. */
export interface CliEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTty: boolean;
  readonly stdinIsTty: boolean;
  readonly columns: number | undefined;
}

/** Default Redis bound, ms: a dead Redis is reported within about this long. */
export const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * Options win over the environment (`REDIS_URL`, `JOBQ_PREFIX`), which wins over
 * the defaults. Throws a usage `CliError` naming the bad option.
 */
export function parseCliConfig(options: GlobalOptions, process: CliEnvironment): CliConfig {
  const { env } = process;
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  let queue: QueueConfig;
  try {
    queue = parseQueueConfig({
      redisUrl: options.redisUrl ?? (env['REDIS_URL'] || 'redis://127.0.0.1:6379'),
      prefix: options.prefix ?? (env['JOBQ_PREFIX'] || 'jobq'),
      connectTimeoutMs: timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const names: Record<string, string> = { redisUrl: '--redis-url / REDIS_URL', prefix: '--prefix / JOBQ_PREFIX', connectTimeoutMs: '--timeout' };
    throw CliError.usage(err.issues.map((i) => `${names[i.path] ?? i.path} ${i.message}`).join('; '));
  }
  const json = options.json === true;
  const noColor = (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb' || options.color === false;
  return Object.freeze({
    queue,
    timeoutMs,
    json,
    color: !json && !noColor && process.stdoutIsTty,
    stdoutIsTty: process.stdoutIsTty,
    stdinIsTty: process.stdinIsTty,
    columns: process.stdoutIsTty && process.columns ? process.columns : 120,
  });
}
