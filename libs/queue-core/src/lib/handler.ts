import type { AnyJobContract, HandlerResultOf, ParsedPayloadOf, ResultOf } from '@jobq/job-defs';

/** What a handler learns about the job it runs. */
export interface JobContext {
  /** Job id. */
  readonly id: string;
  /** Job (contract) name. */
  readonly name: string;
  /** Queue the job came from. */
  readonly queue: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** Attempts the job may have in all (retries + 1). */
  readonly maxAttempts: number;
  /** When the job was enqueued, ms since the epoch. */
  readonly createdAt: number;
  /**
   * Set when a schedule created the job: its name and the time the run was due
   * (ms; for a manual trigger, when it was triggered). A nightly report uses
   * `dueAt` to know which day it covers, however late it runs.
   */
  readonly schedule?: { readonly name: string; readonly dueAt: number; readonly manual: boolean };
  /**
   * Fires when the attempt must stop: its timeout passed (`reason` is a
   * `JobTimeoutError`) or the worker is shutting down at once. Pass it to fetch,
   * timers and child work, or check `signal.aborted` between steps.
   */
  readonly signal: AbortSignal;
  /** Reports progress (0-100) and an optional message; shown by the dashboard. */
  progress(percent: number, message?: string): Promise<void>;
  /**
   * Appends a log line to the job, shown on the dashboard's job page. Never
   * blocks or throws: lines are written in the background, each cut to about
   * 1 KB, and only the newest 200 lines of a job are kept.
   */
  log(message: string): void;
  /** Ids of the jobs this one was enqueued depending on (`dependsOn`), in order; empty for most jobs. */
  readonly parents: readonly string[];
  /**
   * The typed result of parent `id` (a job of `contract`). Rejects with
   * `ParentResultUnavailableError` when `id` is not a parent or its result is gone
   * (its `keepResultSeconds` ran out, or it was removed), and with
   * `JobContractMismatchError` when the parent is a job of another contract.
   */
  parentResult<C extends AnyJobContract>(contract: C, id: string): Promise<ResultOf<C>>;
  /**
   * The typed results of every parent that is a job of `contract`, by parent id
   * in `parents` order (read 500 per Redis call). Rejects with
   * `ParentResultUnavailableError` when any parent no longer exists (its contract
   * cannot be told, so the map could be silently incomplete).
   */
  parentResults<C extends AnyJobContract>(contract: C): Promise<Map<string, ResultOf<C>>>;
}

/** A function that does the work of contract `C`: typed payload in, typed result out. */
export type JobHandler<C extends AnyJobContract> = (
  payload: ParsedPayloadOf<C>,
  ctx: JobContext,
) => Promise<HandlerResultOf<C>> | HandlerResultOf<C>;

/** A handler bound to its contract, ready to give to a `Worker`. */
export interface BoundHandler<C extends AnyJobContract = AnyJobContract> {
  readonly contract: C;
  readonly fn: JobHandler<C>;
}

/**
 * Binds a handler to a contract. The compiler checks the handler against the
 * contract: a payload or result that does not match is a type error.
 *
 * @example
 * ```ts
 * handle(sendEmail, async (email, ctx) => ({ messageId: '...', accepted: [email.to].flat(), transport: 'smtp' }))
 * ```
 */
export function handle<C extends AnyJobContract>(contract: C, fn: JobHandler<C>): BoundHandler<C> {
  return Object.freeze({ contract, fn });
}
