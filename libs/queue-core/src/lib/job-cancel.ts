import type { Redis } from 'ioredis';
import { InvalidArgumentError, JobAlreadyFinishedError, JobNotFoundError } from './errors';
import { queueKeys } from './keys';
import { QueueScripts } from './lua';
import { sendJobCancel } from './worker-control';

/** What a cancel did. */
export type CancelOutcome =
  /** A waiting, delayed or deferred job: it is `canceled` now. */
  | { readonly state: 'canceled'; readonly from: 'waiting' | 'delayed' | 'deferred' }
  /**
   * A running job: marked, so it ends `canceled` whatever its handler does, and
   * its worker was told to abort the handler's `signal` (`notified` false when
   * that worker is no longer registered: the job then ends canceled when it
   * finishes, or is failed by the stall check).
   */
  | { readonly state: 'cancel-requested'; readonly worker: string | null; readonly notified: boolean };

/** Job JSON longer than this is not read inside the cancel script (it keeps the default retention). */
const MOST_BYTES_IN_SCRIPT = 256 * 1024;

/**
 * Runs the cancel script for job `id` of `queue` (see `CANCEL_JOB`) and returns
 * its raw reply; {@link cancelOutcome} reads it.
 */
export function runCancelScript(scripts: QueueScripts, prefix: string, queue: string, id: string, name: string, eventsMaxLen: number, now = Date.now()): Promise<(string | number)[]> {
  const k = queueKeys(prefix, queue);
  return scripts.cancelJob(
    [k.jobs, k.waiting, k.active, k.delayed, k.succeeded, k.failed, k.index('canceled'), k.expiry, k.events, k.run(id), k.canceling],
    [id, name, now, eventsMaxLen, MOST_BYTES_IN_SCRIPT],
  );
}

/**
 * What the cancel script's reply means: the outcome, or `{ notify: worker }` when
 * the running job's worker must be told (see `sendJobCancel`). Throws
 * `JobNotFoundError` for an unknown job, `JobAlreadyFinishedError` for a
 * succeeded, failed or canceled one, and `InvalidArgumentError` for a job in no
 * state that can be canceled.
 */
export function cancelOutcome(reply: readonly (string | number)[], queue: string, id: string): CancelOutcome | { readonly notify: string } {
  const code = Number(reply[0]);
  if (code === 1) {
    const from = String(reply[1]);
    return { state: 'canceled', from: from === 'delayed' || from === 'deferred' ? from : 'waiting' };
  }
  if (code === 2) {
    const worker = String(reply[1] ?? '');
    return worker === '' ? { state: 'cancel-requested', worker: null, notified: false } : { notify: worker };
  }
  if (code === 0) throw new JobNotFoundError(queue, id);
  if (code === -1) throw new JobAlreadyFinishedError(queue, id, String(reply[1]));
  throw new InvalidArgumentError(`Job "${id}" on queue "${queue}" is not waiting, delayed, deferred or running, so it cannot be canceled.`);
}

/** Cancels job `id` of `queue` on one connection: {@link runCancelScript}, then tells the worker of a running job. */
export async function cancelJob(redis: Redis, prefix: string, queue: string, id: string, name: string, eventsMaxLen: number, now = Date.now()): Promise<CancelOutcome> {
  const outcome = cancelOutcome(await runCancelScript(new QueueScripts(redis), prefix, queue, id, name, eventsMaxLen, now), queue, id);
  if (!('notify' in outcome)) return outcome;
  return { state: 'cancel-requested', worker: outcome.notify, notified: await sendJobCancel(redis, prefix, outcome.notify, queue, id, now) };
}
