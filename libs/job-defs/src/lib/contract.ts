import { z } from 'zod';

/** How long to wait before the next attempt of a failed job. */
export interface BackoffPolicy {
  /** `fixed` waits `delayMs` every time; `exponential` waits `delayMs * 2^(attempt-1)`. */
  readonly strategy: 'fixed' | 'exponential';
  /** Base delay in milliseconds. */
  readonly delayMs: number;
}

/** Defaults a contract gives every job it creates; each can be overridden per enqueue. */
export interface JobDefaults {
  /**
   * Extra attempts after the first one fails.
   * @defaultValue 0
   */
  readonly retries: number;
  /**
   * Wait between attempts; `null` retries at once.
   * @defaultValue null
   */
  readonly backoff: BackoffPolicy | null;
  /**
   * Longest time one attempt may run before it is failed and its handler aborted.
   * @defaultValue 60000
   */
  readonly timeoutMs: number;
  /**
   * How long a succeeded job and its result stay readable.
   * @defaultValue 86400 (one day)
   */
  readonly keepResultSeconds: number;
  /**
   * How long a failed job and its error stay readable.
   * @defaultValue 604800 (seven days)
   */
  readonly keepFailedSeconds: number;
}

/**
 * A typed job contract: the single source of truth for a job's name, the queue it
 * runs on, its payload and result schemas, and its defaults. The TypeScript types,
 * the runtime checks and the JSON Schema (for forms) all come from the schemas.
 */
export interface JobContract<
  TName extends string = string,
  TPayload extends z.ZodType = z.ZodType,
  TResult extends z.ZodType = z.ZodType,
> {
  /** Job name, unique across the catalogue (e.g. `email.send`). */
  readonly name: TName;
  /** Queue the job is enqueued on. */
  readonly queue: string;
  /** One-line human description, shown by the dashboard. */
  readonly description: string;
  /** Schema of what the producer sends. */
  readonly payload: TPayload;
  /** Schema of what the handler returns. */
  readonly result: TResult;
  /** Retry, timeout and retention defaults. */
  readonly defaults: JobDefaults;
}

/** Any contract, whatever its schemas. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobContract = JobContract<string, any, any>;

/** What a producer passes to `enqueue` for contract `C` (schema input type). */
export type PayloadOf<C extends AnyJobContract> = z.input<C['payload']>;
/** What a handler receives for contract `C` (schema output type, after defaults and transforms). */
export type ParsedPayloadOf<C extends AnyJobContract> = z.output<C['payload']>;
/** What a handler must return for contract `C`. */
export type HandlerResultOf<C extends AnyJobContract> = z.input<C['result']>;
/** What a producer reads back from a succeeded job of contract `C`. */
export type ResultOf<C extends AnyJobContract> = z.output<C['result']>;

/** Everything {@link defineJob} needs; `defaults` may be partial. */
export interface JobContractInput<TName extends string, TPayload extends z.ZodType, TResult extends z.ZodType> {
  readonly name: TName;
  readonly queue: string;
  readonly description: string;
  readonly payload: TPayload;
  readonly result: TResult;
  readonly defaults?: Partial<JobDefaults>;
}

/** The defaults a contract gets for every field it does not set. */
export const DEFAULT_JOB_DEFAULTS: JobDefaults = Object.freeze({
  retries: 0,
  backoff: null,
  timeoutMs: 60_000,
  keepResultSeconds: 86_400,
  keepFailedSeconds: 604_800,
});

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Defines a job contract. Names and queue names are checked here, once, so a typo
 * fails at import time rather than when the first job is enqueued.
 *
 * @example
 * ```ts
 * export const sendEmail = defineJob({
 *   name: 'email.send', queue: 'high_priority', description: 'Send one email',
 *   payload: z.object({ to: z.email(), subject: z.string() }),
 *   result: z.object({ messageId: z.string() }),
 *   defaults: { retries: 3, backoff: { strategy: 'exponential', delayMs: 1000 } },
 * });
 * ```
 */
export function defineJob<TName extends string, TPayload extends z.ZodType, TResult extends z.ZodType>(
  input: JobContractInput<TName, TPayload, TResult>,
): JobContract<TName, TPayload, TResult> {
  if (!NAME_PATTERN.test(input.name)) {
    throw new TypeError(`Job name "${input.name}" is invalid: use 1-100 letters, digits, '.', '_' or '-'.`);
  }
  if (!NAME_PATTERN.test(input.queue)) {
    throw new TypeError(`Queue name "${input.queue}" of job "${input.name}" is invalid: use 1-100 letters, digits, '.', '_' or '-'.`);
  }
  const defaults: JobDefaults = { ...DEFAULT_JOB_DEFAULTS, ...input.defaults };
  assertDefaults(input.name, defaults);
  return Object.freeze({
    name: input.name,
    queue: input.queue,
    description: input.description,
    payload: input.payload,
    result: input.result,
    defaults: Object.freeze(defaults),
  });
}

function assertDefaults(name: string, d: JobDefaults): void {
  const bad = (field: string, why: string) => new TypeError(`Job "${name}": defaults.${field} ${why}.`);
  if (!Number.isInteger(d.retries) || d.retries < 0) throw bad('retries', 'must be a whole number >= 0');
  if (!Number.isInteger(d.timeoutMs) || d.timeoutMs <= 0) throw bad('timeoutMs', 'must be a whole number > 0');
  if (!Number.isInteger(d.keepResultSeconds) || d.keepResultSeconds <= 0) throw bad('keepResultSeconds', 'must be a whole number > 0');
  if (!Number.isInteger(d.keepFailedSeconds) || d.keepFailedSeconds <= 0) throw bad('keepFailedSeconds', 'must be a whole number > 0');
  if (d.backoff && (!Number.isInteger(d.backoff.delayMs) || d.backoff.delayMs < 0)) throw bad('backoff.delayMs', 'must be a whole number >= 0');
}

/**
 * The JSON Schema of a contract's payload, for generated forms and API docs.
 * Uses zod's own converter, so it stays in step with the runtime check.
 */
export function payloadJsonSchema(contract: AnyJobContract): Record<string, unknown> {
  return z.toJSONSchema(contract.payload, { unrepresentable: 'any' }) as Record<string, unknown>;
}
