import { z } from 'zod';
import { ConfigError } from './errors';

/** Validated connection settings shared by producers, workers and the inspector. */
export interface QueueConfig {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://...`. */
  readonly redisUrl: string;
  /**
   * Key prefix for every key (bee-queue's and ours).
   * @defaultValue 'jobq'
   */
  readonly prefix: string;
  /**
   * How long to wait for Redis before giving up with `RedisUnavailableError`.
   * @defaultValue 5000
   */
  readonly connectTimeoutMs: number;
  /**
   * Longest a producer-side call (`enqueue`, `status`, `progress`, ...) waits for
   * Redis before it rejects with `RedisUnavailableError`.
   * @defaultValue 5000
   */
  readonly operationTimeoutMs: number;
  /**
   * Approximate number of entries each queue's job event stream keeps (trimmed
   * with `MAXLEN ~`).
   * @defaultValue 10000
   */
  readonly eventsMaxLen: number;
}

const schema = z.object({
  redisUrl: z
    .string({ message: 'is required' })
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be a URL like redis://host:6379 or rediss://host:6379')
    .refine((v) => {
      try {
        const u = new URL(v);
        const db = u.pathname.replace(/^\//, '');
        return (u.port === '' || /^\d+$/.test(u.port)) && (db === '' || /^\d+$/.test(db));
      } catch {
        return false;
      }
    }, 'has a bad port or database number'),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,50}$/, 'must be 1-50 letters, digits, "_", "." or "-"')
    .default('jobq'),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  operationTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  eventsMaxLen: z.number().int().min(100).max(10_000_000).default(10_000),
});

/** What {@link parseQueueConfig} accepts. */
export type QueueConfigInput = z.input<typeof schema>;

/**
 * Validates connection settings once, at the edge. Throws `ConfigError` naming
 * every bad field (a bad URL is an error here, never a hang later).
 */
export function parseQueueConfig(input: QueueConfigInput): QueueConfig {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const detail = issues.map((i) => `${i.path || '(config)'} ${i.message}`).join('; ');
    throw new ConfigError(`Invalid queue configuration: ${detail}`, issues);
  }
  return Object.freeze(parsed.data);
}
