import type { AnyJobContract, ResultOf } from '@jobq/job-defs';
import type { JobEventReader } from './event-reader';
import { JobCanceledError, JobContractMismatchError, JobFailedError, JobNotFoundError, RedisUnavailableError, ResultTimeoutError } from './errors';
import { cancelOutcome, runCancelScript, type CancelOutcome } from './job-cancel';
import { sendJobCancel } from './worker-control';
import { queueKeys, type JobState } from './keys';
import type { ProducerConnection } from './producer-connection';
import type { JobProgress } from './records';

/** Where a job is now; `missing` when it never existed or its retention ran out. */
export type JobStatus = JobState | 'missing';

/** How to wait for a result. */
export interface ResultWaitOptions {
  /** Give up after this long with `ResultTimeoutError`. @defaultValue 30000 */
  readonly timeoutMs?: number;
}

/** How often `result()` re-reads the job while it waits, in case its event was trimmed from the stream. */
const RECHECK_MS = 5_000;
/** Events after which the job may have a final state. */
const FINAL_EVENTS = new Set(['succeeded', 'failed', 'removed', 'canceled']);

/**
 * A typed reference to one job: its id, its status, and its result once it has
 * one. Cheap to create; every method reads Redis when called, within the
 * client's `operationTimeoutMs` (else `RedisUnavailableError`). A handle only
 * answers for a job of its own contract: a job stored under another name makes
 * every method reject with `JobContractMismatchError`.
 */
export class JobHandle<C extends AnyJobContract> {
  /**
   * @param created - `false` when the job id already existed, so this enqueue
   *   created nothing (idempotent enqueue with a caller-chosen id)
   */
  constructor(
    private readonly conn: ProducerConnection,
    private readonly events: JobEventReader,
    readonly contract: C,
    readonly id: string,
    readonly created: boolean,
  ) {}

  /** Queue the job is on. */
  get queue(): string {
    return this.contract.queue;
  }

  /** Job name. */
  get name(): C['name'] {
    return this.contract.name;
  }

  /** The job's current state. */
  async status(): Promise<JobStatus> {
    const read = await this.read('status check', ['state']);
    if (!read) return 'missing';
    const [state] = read.fields;
    if (state) return state as JobState;
    return read.delayed ? 'delayed' : 'waiting';
  }

  /** Latest progress report, or `null` before the first one. */
  async progress(): Promise<JobProgress | null> {
    const read = await this.read('progress read', ['progress']);
    if (!read) throw new JobNotFoundError(this.queue, this.id);
    const [json] = read.fields;
    return json ? (JSON.parse(json) as JobProgress) : null;
  }

  /**
   * Waits for the job to finish and resolves with its typed result. Rejects with
   * `JobFailedError` when the job failed for good, `JobCanceledError` when it was canceled, `JobNotFoundError` when it does
   * not exist (or was removed), `ResultTimeoutError` when `timeoutMs` passes first,
   * and `RedisUnavailableError` when Redis stays unreachable for longer than the
   * client's `operationTimeoutMs` meanwhile.
   *
   * It is pushed, not polled: it follows the queue's event stream and reads the
   * job once when its final event arrives (and once at the start, so a job that
   * finished before the call resolves at once; and every few seconds, so a job
   * whose event was trimmed from the stream still resolves).
   */
  result(options: ResultWaitOptions = {}): Promise<ResultOf<C>> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<ResultOf<C>>((resolve, reject) => {
      let settled = false;
      let stop: (() => void) | undefined;
      let recheck: NodeJS.Timeout | undefined;
      let checking = false;
      let again = false;
      let downSince: number | null = null;
      let following: 'no' | 'starting' | 'yes' = 'no';
      const startFollowing = (): Promise<void> => {
        following = 'starting';
        return this.events
          .follow(this.queue, (e) => {
            if (e.id === this.id && FINAL_EVENTS.has(e.event)) void check();
          })
          .then(
            (unfollow) => {
              following = 'yes';
              if (settled) unfollow();
              else stop = unfollow;
            },
            () => {
              following = 'no';
            },
          );
      };
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(recheck);
        stop?.();
        fn();
      };
      const deadline = setTimeout(() => settle(() => reject(new ResultTimeoutError(this.id, timeoutMs))), timeoutMs);
      const check = async (): Promise<void> => {
        if (settled) return;
        if (following === 'no') void startFollowing();
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          const outcome = await this.outcome();
          downSince = null;
          if (outcome) settle(outcome.ok ? () => resolve(outcome.value) : () => reject(outcome.error));
        } catch (err) {
          if (!(err instanceof RedisUnavailableError)) return settle(() => reject(err));
          downSince ??= Date.now();
          if (Date.now() - downSince >= this.conn.config.operationTimeoutMs) return settle(() => reject(err));
        } finally {
          checking = false;
        }
        if (again) {
          again = false;
          return check();
        }
        if (!settled) {
          clearTimeout(recheck);
          recheck = setTimeout(() => void check(), downSince === null ? RECHECK_MS : 250);
        }
      };
      // Read after following, so a finish between the two cannot be missed.
      void startFollowing().finally(() => void check());
    });
  }

  /**
   * Cancels the job. A waiting, delayed or deferred job is `canceled` at once; a running
   * one is marked and its worker aborts the handler's `signal` with
   * `JobCanceledError` (at once, or within its heartbeat interval when all its
   * slots are busy): it ends `canceled`, never
   * retried, whatever the handler then does. Throws `JobNotFoundError` for an
   * unknown job and `JobAlreadyFinishedError` for a finished one.
   */
  async cancel(): Promise<CancelOutcome> {
    if (!(await this.read('cancel', []))) throw new JobNotFoundError(this.queue, this.id);
    const { prefix, eventsMaxLen } = this.conn.config;
    const reply = await this.conn.call({ what: `cancel of job "${this.id}"`, writes: 'it may or may not have been canceled: check its status' }, (_, scripts) =>
      runCancelScript(scripts, prefix, this.queue, this.id, this.contract.name, eventsMaxLen),
    );
    const outcome = cancelOutcome(reply, this.queue, this.id);
    if (!('notify' in outcome)) return outcome;
    const notified = await this.conn.call({ what: `cancel of job "${this.id}"`, writes: 'its worker may not have been told: the job still ends canceled when it finishes' }, (redis) =>
      sendJobCancel(redis, prefix, outcome.notify, this.queue, this.id),
    );
    return { state: 'cancel-requested', worker: outcome.notify, notified };
  }

  /** `null` while the job is not finished; else its result or the error to reject with. */
  private async outcome(): Promise<{ ok: true; value: ResultOf<C> } | { ok: false; error: Error } | null> {
    const read = await this.read('result read', ['state', 'result', 'error', 'errorCode', 'stack']);
    if (!read) return { ok: false, error: new JobNotFoundError(this.queue, this.id) };
    const [state, result, error, errorCode, stack] = read.fields;
    if (state === 'succeeded' && result !== null) return { ok: true, value: JSON.parse(result) as ResultOf<C> };
    if (state === 'canceled') return { ok: false, error: new JobCanceledError(this.id) };
    if (state === 'failed') {
      return { ok: false, error: new JobFailedError(this.id, error ?? 'unknown error', errorCode ?? undefined, stack ?? undefined) };
    }
    return null;
  }

  /** Reads the job's name and run-record fields in one bounded call; `null` when it does not exist. */
  private async read(what: string, fields: readonly string[]): Promise<{ delayed: boolean; fields: (string | null)[] } | null> {
    const k = queueKeys(this.conn.config.prefix, this.queue);
    const reply = await this.conn.call({ what: `${what} of job "${this.id}"` }, (_, scripts) =>
      scripts.readJob([k.jobs, k.run(this.id), k.delayed], [this.id, ...fields]),
    );
    if (Number(reply[0]) !== 1) return null;
    const name = String(reply[1]);
    if (name !== this.contract.name) throw new JobContractMismatchError(this.queue, this.id, this.contract.name, name);
    return { delayed: Number(reply[2]) === 1, fields: reply.slice(3).map((v) => (v === null ? null : String(v))) };
  }
}
