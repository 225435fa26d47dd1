import { hostname } from 'node:os';
import { join } from 'node:path';
import { catalogueList, catalogueSchedules, QUEUES_BY_PRIORITY, ScheduleDefinitionError, type ScheduleDefinition } from '@jobq/job-defs';
import { ConfigError, parseQueueConfig, type QueueConfig } from '@jobq/queue-core';
import { z } from 'zod';

/**
 * supervisord's `stopwaitsecs` (docker/supervisord.conf), in ms. The graceful close
 * must finish before supervisord escalates to SIGKILL.
 */
export const SUPERVISOR_STOP_WAIT_MS = 30_000;

/** The HMAC secret used when WEBHOOK_SECRET is not set; fine for a laptop, not for production. */
export const DEV_WEBHOOK_SECRET = 'jobq-dev-webhook-secret';

/** Queues some catalogue contract runs on: a worker serving any other queue could run nothing. */
const SERVED_QUEUES = new Set(catalogueList.map((c) => c.queue));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty strings count as "not set", so `FOO= node main.js` takes the default. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const integer = (min: number, max: number, maxMessage = `must be at most ${max}`) =>
  z.coerce
    .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, maxMessage);
const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const envSchema = z.object({
  WORKER_QUEUES: optional(
    z
      .string()
      .transform(list)
      .pipe(
        z
          .array(
            z.string().refine((q) => SERVED_QUEUES.has(q), {
              error: (issue) => `queue "${String(issue.input)}" has no job in the catalogue (known: ${[...SERVED_QUEUES].join(', ')})`,
            }),
          )
          .min(1, 'must name at least one queue')
          .refine((qs) => new Set(qs).size === qs.length, 'must not name a queue twice'),
      ),
  ),
  WORKER_CONCURRENCY: optional(integer(1, 256)),
  WORKER_NAME: optional(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/, 'must be 1-200 letters, digits, ".", "_", ":", "@" or "-"')),
  WORKER_GRACE_MS: optional(
    integer(
      0,
      SUPERVISOR_STOP_WAIT_MS - 1_000,
      `must be at most ${SUPERVISOR_STOP_WAIT_MS - 1_000}: supervisord SIGKILLs a worker still closing after stopwaitsecs=${SUPERVISOR_STOP_WAIT_MS / 1000}`,
    ),
  ),
  WORKER_STALL_INTERVAL_MS: optional(integer(100, 3_600_000)),
  WORKER_HEARTBEAT_MS: optional(integer(100, 600_000)),
  WORKER_REGISTRY_TTL_MS: optional(integer(500, 3_600_000)),
  WORKER_MAX_STALLS: optional(integer(0, 100)),
  WORKER_MAX_FINISHED_JOBS: optional(integer(1, 1_000_000_000)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })),
  OUTBOX_DIR: optional(z.string()),
  WEBHOOK_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  WEBHOOK_ALLOW_HOSTS: optional(z.string().transform(list)),
  SUPERVISOR_PROCESS_NAME: optional(z.string()),
  WORKER_SCHEDULES: optional(z.enum(['on', 'off'], { message: 'must be "on" or "off"' })),
  SCHEDULE_TZ: optional(z.string()),
  OUTBOX_PRUNE_EVERY_MS: optional(integer(1_000, 86_400_000)),
});

/** The worker process's settings, read once from the environment by {@link loadWorkerConfig}. */
export interface WorkerConfig {
  /** REDIS_URL (default 'redis://127.0.0.1:6379') and JOBQ_PREFIX (default 'jobq'), validated by queue-core. */
  readonly connection: QueueConfig;
  /** WORKER_QUEUES, in priority order. @defaultValue ['high_priority', 'low_priority'] */
  readonly queues: readonly string[];
  /** WORKER_CONCURRENCY: jobs run at once. @defaultValue 4 */
  readonly concurrency: number;
  /** WORKER_NAME: the registry name. @defaultValue `<supervisor process name or "worker">@<hostname>:<pid>` */
  readonly name: string;
  /** WORKER_GRACE_MS: how long the first SIGTERM waits for running jobs. @defaultValue 25000 */
  readonly graceMs: number;
  /** WORKER_STALL_INTERVAL_MS; queue-core's default when unset. */
  readonly stallIntervalMs?: number;
  /** WORKER_HEARTBEAT_MS; queue-core's default when unset. */
  readonly heartbeatMs?: number;
  /** WORKER_REGISTRY_TTL_MS; queue-core's default when unset. */
  readonly registryTtlMs?: number;
  /** WORKER_MAX_STALLS; queue-core's default when unset. */
  readonly maxStalls?: number;
  /** WORKER_MAX_FINISHED_JOBS: succeeded (and failed) jobs kept per queue; queue-core's default when unset. */
  readonly maxFinishedJobs?: number;
  /** LOG_LEVEL (pino). @defaultValue 'info' */
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** OUTBOX_DIR: where the outbox email transport writes messages. @defaultValue './outbox' (or /tmp/jobq-outbox when the working directory is `/`) */
  readonly outboxDir: string;
  /** WEBHOOK_SECRET: HMAC key of webhook signatures. @defaultValue {@link DEV_WEBHOOK_SECRET} */
  readonly webhookSecret: string;
  /** True when WEBHOOK_SECRET was not set and the dev secret is in use. */
  readonly webhookSecretIsDefault: boolean;
  /** WEBHOOK_ALLOW_HOSTS: when set, webhooks go only to these host names. */
  readonly webhookAllowHosts?: readonly string[];
  /**
   * The schedules this worker declares at start (WORKER_SCHEDULES=off: none): the
   * nightly report at 02:00 in SCHEDULE_TZ (default UTC) and the outbox clean-up
   * every OUTBOX_PRUNE_EVERY_MS (default 300000). Only those on queues it serves.
   */
  readonly schedules: readonly ScheduleDefinition[];
}

/** The environment is not usable; the message names every bad variable. */
export class WorkerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

/** What the process knows about itself, for the default worker name; injectable for tests. */
export interface ProcessIdentity {
  readonly hostname: string;
  readonly pid: number;
  readonly cwd: string;
}

/**
 * Reads and validates the worker's configuration from `env`. Throws
 * {@link WorkerConfigError} listing each bad variable with what is wrong.
 */
export function loadWorkerConfig(
  env: NodeJS.ProcessEnv,
  self: ProcessIdentity = { hostname: hostname(), pid: process.pid, cwd: process.cwd() },
): WorkerConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describe(env, String(issue.path[0]), issue.message));
  }
  const connection = parseConnection(env.REDIS_URL || 'redis://127.0.0.1:6379', env.JOBQ_PREFIX || 'jobq', env, problems);
  let schedules: readonly ScheduleDefinition[] = [];
  if (parsed.success && parsed.data.WORKER_SCHEDULES !== 'off') {
    try {
      const queues = parsed.data.WORKER_QUEUES ?? [...QUEUES_BY_PRIORITY];
      schedules = catalogueSchedules({ timeZone: parsed.data.SCHEDULE_TZ, pruneEveryMs: parsed.data.OUTBOX_PRUNE_EVERY_MS }).filter((d) => queues.includes(d.queue));
    } catch (err) {
      if (!(err instanceof ScheduleDefinitionError)) throw err;
      const variable = err.field === 'tz' ? 'SCHEDULE_TZ' : 'OUTBOX_PRUNE_EVERY_MS';
      problems.push(describe(env, variable, err.message));
    }
  }
  if (!parsed.success || !connection || problems.length > 0) {
    throw new WorkerConfigError(`Invalid worker configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const processName = e.SUPERVISOR_PROCESS_NAME?.replace(/[^A-Za-z0-9._-]/g, '-') || 'worker';
  return Object.freeze({
    connection,
    queues: Object.freeze(e.WORKER_QUEUES ?? [...QUEUES_BY_PRIORITY]),
    concurrency: e.WORKER_CONCURRENCY ?? 4,
    name: e.WORKER_NAME ?? `${processName}@${self.hostname}:${self.pid}`,
    graceMs: e.WORKER_GRACE_MS ?? 25_000,
    stallIntervalMs: e.WORKER_STALL_INTERVAL_MS,
    heartbeatMs: e.WORKER_HEARTBEAT_MS,
    registryTtlMs: e.WORKER_REGISTRY_TTL_MS,
    maxStalls: e.WORKER_MAX_STALLS,
    maxFinishedJobs: e.WORKER_MAX_FINISHED_JOBS,
    logLevel: e.LOG_LEVEL ?? 'info',
    // A container's working directory is often `/` (read-only or root-owned): use /tmp there.
    outboxDir: e.OUTBOX_DIR ?? (self.cwd === '/' ? '/tmp/jobq-outbox' : join(self.cwd, 'outbox')),
    webhookSecret: e.WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
    webhookSecretIsDefault: e.WEBHOOK_SECRET === undefined,
    webhookAllowHosts: e.WEBHOOK_ALLOW_HOSTS && e.WEBHOOK_ALLOW_HOSTS.length > 0 ? Object.freeze(e.WEBHOOK_ALLOW_HOSTS) : undefined,
    schedules: Object.freeze(schedules),
  });
}

function describe(env: NodeJS.ProcessEnv, variable: string, message: string): string {
  return `  ${variable}=${JSON.stringify(env[variable] ?? '')}: ${message}`;
}

/** Variable behind each field of queue-core's config, so its messages name what the user sets. */
const CONNECTION_VARIABLES: Record<string, string> = { redisUrl: 'REDIS_URL', prefix: 'JOBQ_PREFIX' };

function parseConnection(redisUrl: string, prefix: string, env: NodeJS.ProcessEnv, problems: string[]): QueueConfig | undefined {
  try {
    return parseQueueConfig({ redisUrl, prefix });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // queue-core names its fields (`redisUrl must be ...; prefix must be ...`); say which variable to fix.
    for (const part of err.message.replace(/^Invalid queue configuration: /, '').split('; ')) {
      const [field, ...rest] = part.split(' ');
      const variable = CONNECTION_VARIABLES[field];
      problems.push(variable ? describe(env, variable, rest.join(' ')) : `  ${part}`);
    }
    return undefined;
  }
}
