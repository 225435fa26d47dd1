import { randomBytes } from 'node:crypto';
import { ConfigError, parseQueueConfig, type QueueConfig } from '@jobq/queue-core';
import { z } from 'zod';

/** Log levels pino understands. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The dashboard's settings, read once from the environment by {@link loadConfig}. */
export interface DashboardConfig {
  /** @defaultValue 9181 */
  readonly port: number;
  /** @defaultValue '0.0.0.0' */
  readonly host: string;
  /** Path the dashboard lives under behind a proxy (`''` or `/ops/queues`, no trailing slash). @defaultValue '' */
  readonly urlPrefix: string;
  /** Basic-auth credentials; `null` leaves the pages open. */
  readonly auth: { readonly username: string; readonly password: string } | null;
  /** Hide every write button and refuse every write. @defaultValue false */
  readonly readOnly: boolean;
  /**
   * Pages update from the job event stream (Server-Sent Events); only when a
   * browser cannot open the stream does it poll, this often. 0: never poll.
   * @defaultValue 2500
   */
  readonly refreshMs: number;
  /** @defaultValue 'info' */
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** HMAC secret of the CSRF tokens; random per process unless DASHBOARD_SECRET is set. */
  readonly csrfSecret: string;
  /** Redis URL and key prefix. */
  readonly queue: QueueConfig;
}

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['', '0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'must be true or false (1/0, yes/no, on/off)')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const envSchema = z
  .object({
    PORT: int(0, 65_535).default(9181),
    DASHBOARD_HOST: z.string().trim().min(1).default('0.0.0.0'),
    REDIS_URL: z.string().trim().default('redis://127.0.0.1:6379'),
    JOBQ_PREFIX: z.string().trim().default('jobq'),
    DASHBOARD_URL_PREFIX: z
      .string()
      .trim()
      .regex(/^(\/[A-Za-z0-9._~-]+)*\/?$/, 'must be a path like /ops/queues (letters, digits, ".", "_", "~", "-")')
      .transform((v) => v.replace(/\/+$/, ''))
      .default(''),
    DASHBOARD_USERNAME: z.string().min(1).optional(),
    DASHBOARD_PASSWORD: z.string().min(1).optional(),
    DASHBOARD_READ_ONLY: flag.default(false),
    DASHBOARD_REFRESH_MS: int(0, 600_000)
      .refine((v) => v === 0 || v >= 250, 'must be 0 (off) or at least 250')
      .default(2_500),
    DASHBOARD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  });

/** The environment holds a bad value; the message names every bad variable. */
export class DashboardConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DashboardConfigError';
  }
}

/**
 * Reads and checks the dashboard's environment variables once. Throws
 * {@link DashboardConfigError} naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv): DashboardConfig {
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
  // Checked apart from the schema so it is reported together with every other problem.
  if (('DASHBOARD_USERNAME' in present) !== ('DASHBOARD_PASSWORD' in present)) {
    lines.push('  DASHBOARD_PASSWORD: set both DASHBOARD_USERNAME and DASHBOARD_PASSWORD, or neither');
  }
  if (!parsed.success || lines.length > 0) throw new DashboardConfigError(`Invalid dashboard configuration:\n${lines.join('\n')}`);
  const e = parsed.data;
  let queue: QueueConfig;
  try {
    queue = parseQueueConfig({ redisUrl: e.REDIS_URL, prefix: e.JOBQ_PREFIX });
  } catch (err) {
    if (err instanceof ConfigError) {
      const detail = err.message.replace('redisUrl', 'REDIS_URL').replace('prefix', 'JOBQ_PREFIX');
      throw new DashboardConfigError(`Invalid dashboard configuration:\n  ${detail}`);
    }
    throw err;
  }
  return Object.freeze({
    port: e.PORT,
    host: e.DASHBOARD_HOST,
    urlPrefix: e.DASHBOARD_URL_PREFIX,
    auth: e.DASHBOARD_USERNAME && e.DASHBOARD_PASSWORD ? { username: e.DASHBOARD_USERNAME, password: e.DASHBOARD_PASSWORD } : null,
    readOnly: e.DASHBOARD_READ_ONLY,
    refreshMs: e.DASHBOARD_REFRESH_MS,
    logLevel: e.LOG_LEVEL,
    csrfSecret: e.DASHBOARD_SECRET ?? randomBytes(32).toString('hex'),
    queue,
  });
}
