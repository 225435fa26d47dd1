import type { TakenJob } from './job-runner';
import type { QueueKeys } from './keys';
import type { QueueScripts } from './lua';
import { dueAfterRun, nextRunJson, scheduledJobId, scheduleKeys } from './schedule-jobs';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Tries of the next-run step while Redis is away, before giving up (stall recovery or the next declaration repairs it). */
const ADVANCE_TRIES = 6;

/**
 * Called by a worker when it starts a job a schedule created (and only then: a
 * plain job costs one property check). Enqueues the schedule's next run, in one
 * Lua call that first checks this job is still the schedule's pending run of
 * the same version, so reruns, re-declared, paused and removed schedules add
 * nothing. The next due time is the first after both this run's due time and
 * now: runs missed while no worker ran become this one run.
 *
 * It runs beside the handler (just after it starts): a handler that fails or
 * hangs does not stop the schedule, and a run whose process died before this
 * step is rerun by stall recovery, which takes this step then.
 */
export async function advanceSchedule(
  scripts: QueueScripts,
  k: QueueKeys,
  t: TakenJob,
  eventsMaxLen: number,
  report: (err: Error) => void,
  running: () => boolean,
): Promise<void> {
  const meta = t.stored?.options.jobq?.schedule;
  if (!t.stored || !meta || meta.manual || !(meta.due > 0)) return;
  const now = Date.now();
  const next = dueAfterRun(meta, meta.due, now);
  const args = [eventsMaxLen, now, k.base, meta.name, meta.v, t.id, next, next > 0 ? scheduledJobId(meta.name, next, meta.jobId) : '', next > 0 ? nextRunJson(t.stored, meta, next, now) : ''];
  for (let tries = 0; ; tries += 1) {
    try {
      await scripts.schedule('advance', scheduleKeys(k), args);
      return;
    } catch (err) {
      if (tries + 1 >= ADVANCE_TRIES || !running()) {
        report(err as Error);
        return;
      }
      await sleep(Math.min(100 * 2 ** tries, 3_000));
    }
  }
}
