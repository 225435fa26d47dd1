import { QueueError } from '@jobq/queue-core';
import type { NextFunction, Request, Response, Router } from 'express';
import { HttpError } from '../http/http-error';
import { redirectWithFlash } from '../http/flash';
import { bulkBody, cleanBody, confirmBody, jobParams, parseInput, queueParams, rateLimitBody, stateParams, workerCommandParams } from '../http/params';
import { sendPage } from '../http/respond';
import type { RouteContext } from './context';

/**
 * The write actions (POST only; CSRF-checked and refused in read-only mode by the
 * app). Destructive ones need `confirm=yes`: the page's script asks first, and
 * without it (no script) a confirmation page asks instead.
 */
export function actionRoutes(router: Router, ctx: RouteContext): void {
  // An action on a queue nobody ever used is a 404, as the queue's page is.
  router.use('/queues/:queue', async (req: Request, _res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const { queue } = parseInput(queueParams, req.params);
    if (!(await ctx.inspector.hasQueue(queue))) throw new HttpError(404, `There is no queue named "${queue}".`);
    next();
  });
  router.post('/queues/:queue/jobs/:id/retry', async (req: Request, res: Response) => {
    const { queue, id } = parseInput(jobParams, req.params);
    await act(res, ctx, ctx.links.job(queue, id), async () => {
      await ctx.admin.retryJob(queue, id);
      return `Job ${id} is waiting to run again.`;
    });
  });

  router.post('/queues/:queue/jobs/:id/remove', async (req: Request, res: Response) => {
    const { queue, id } = parseInput(jobParams, req.params);
    if (!confirmed(req, res, ctx, `Remove job ${id} from ${queue}? This cannot be undone.`, ctx.links.job(queue, id))) return;
    await act(res, ctx, ctx.links.queue(queue), async () => {
      await ctx.admin.removeJob(queue, id);
      return `Job ${id} was removed.`;
    }, ctx.links.job(queue, id));
  });

  router.post('/queues/:queue/jobs/:id/promote', async (req: Request, res: Response) => {
    const { queue, id } = parseInput(jobParams, req.params);
    await act(res, ctx, ctx.links.job(queue, id), async () => {
      await ctx.admin.promoteJob(queue, id);
      return `Job ${id} is waiting to run now.`;
    });
  });

  router.post('/queues/:queue/jobs/:id/cancel', async (req: Request, res: Response) => {
    const { queue, id } = parseInput(jobParams, req.params);
    const back = ctx.links.job(queue, id);
    if (!confirmed(req, res, ctx, `Cancel job ${id} of ${queue}? A running job's handler is told to stop; the job ends canceled and is not retried.`, back)) return;
    await act(res, ctx, back, async () => {
      const outcome = await ctx.admin.cancelJob(queue, id);
      if (outcome.state === 'canceled') return `Job ${id} was canceled (it was ${outcome.from}).`;
      return outcome.notified
        ? `Job ${id} is running: worker ${outcome.worker} was told to stop it; it ends canceled.`
        : `Job ${id} is running: it ends canceled when it finishes (its worker could not be told).`;
    });
  });

  router.post('/queues/:queue/pause', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    const back = ctx.links.queue(queue);
    if (!confirmed(req, res, ctx, `Pause ${queue}? Workers take no new jobs from it (running ones finish); enqueues still succeed.`, back)) return;
    await act(res, ctx, back, async () =>
      (await ctx.admin.pauseQueue(queue)) ? `Queue ${queue} is paused: workers take no new jobs from it.` : `Queue ${queue} was already paused.`,
    );
  });

  router.post('/queues/:queue/resume', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    await act(res, ctx, ctx.links.queue(queue), async () =>
      (await ctx.admin.resumeQueue(queue)) ? `Queue ${queue} is running again.` : `Queue ${queue} was not paused.`,
    );
  });

  router.post('/queues/:queue/rate-limit', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    const body = parseInput(rateLimitBody, req.body);
    await act(res, ctx, ctx.links.queue(queue), async () => {
      if ('clear' in body && body.clear === 'yes') {
        await ctx.admin.setRateLimit(queue, null);
        return `Queue ${queue} has no rate limit now.`;
      }
      const { max, intervalMs } = body as { max: number; intervalMs: number };
      await ctx.admin.setRateLimit(queue, { max, intervalMs });
      return `Queue ${queue} starts at most ${max.toLocaleString('en-US')} job${max === 1 ? '' : 's'} per ${intervalMs.toLocaleString('en-US')} ms.`;
    });
  });

  router.post('/queues/:queue/bulk', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    const { action, ids, state } = parseInput(bulkBody, req.body);
    const back = ctx.links.queue(queue, state);
    const list = typeof ids === 'string' ? [ids] : ids;
    if (action === 'remove' && !confirmed(req, res, ctx, `Remove ${list.length} selected job${list.length === 1 ? '' : 's'} from ${queue}? This cannot be undone.`, back, { ids: list, action, state })) return;
    await act(res, ctx, back, async () => {
      const outcome = action === 'retry' ? await ctx.admin.retryJobs(queue, list) : await ctx.admin.removeJobs(queue, list);
      const verb = action === 'retry' ? 'retried' : 'removed';
      const notes = [outcome.missing ? `${outcome.missing} not found` : '', outcome.skipped ? `${outcome.skipped} skipped (${action === 'retry' ? 'not failed' : 'running'})` : ''].filter(Boolean);
      return `${outcome.done} of ${list.length} selected job${list.length === 1 ? '' : 's'} ${verb}${notes.length ? `; ${notes.join(', ')}` : ''}.`;
    });
  });

  router.post('/queues/:queue/clean', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    const { state, age, unit } = parseInput(cleanBody, req.body);
    const back = ctx.links.queue(queue, state);
    const label = `${age} ${unit}`;
    if (!confirmed(req, res, ctx, `Delete every ${state} job of ${queue} that finished more than ${label} ago? This cannot be undone.`, back, { state, age: String(age), unit })) return;
    await act(res, ctx, back, async () => {
      const n = await ctx.admin.cleanOlderThan(queue, state, age * UNIT_MS[unit], ctx.now());
      return `Deleted ${n.toLocaleString('en-US')} ${state} job${n === 1 ? '' : 's'} of ${queue} older than ${label}.`;
    });
  });

  router.post('/queues/:queue/retry-failed', async (req: Request, res: Response) => {
    const { queue } = parseInput(queueParams, req.params);
    const back = ctx.links.queue(queue, 'failed');
    if (!confirmed(req, res, ctx, `Retry every failed job of ${queue}?`, back)) return;
    await act(res, ctx, back, async () => {
      const n = await ctx.admin.retryAllFailed(queue);
      return `${n.toLocaleString('en-US')} failed job${n === 1 ? '' : 's'} of ${queue} ${n === 1 ? 'is' : 'are'} waiting to run again.`;
    });
  });

  // Reaches the worker wherever it runs: the command waits in Redis and the worker reads it within a second.
  router.post('/workers/:name/:command', async (req: Request, res: Response) => {
    const { name, command } = parseInput(workerCommandParams, req.params);
    if (!(await ctx.inspector.workers()).some((w) => w.name === name)) throw new HttpError(404, `There is no live worker named "${name.slice(0, 200)}".`);
    const back = ctx.links.worker(name);
    const question =
      command === 'quiet'
        ? `Quiet worker ${name}? It takes no new jobs and finishes the running ones.`
        : `Stop worker ${name}? It finishes its running jobs (within its grace period) and exits; a supervisor restarts it.`;
    if (!confirmed(req, res, ctx, question, back)) return;
    await act(res, ctx, back, async () => {
      if (!(await ctx.admin.commandWorker(name, command))) return `Worker ${name} is no longer registered.`;
      return command === 'quiet' ? `Worker ${name} was asked to go quiet: no new jobs, running ones finish.` : `Worker ${name} was asked to stop: it finishes its running jobs and exits.`;
    });
  });

  router.post('/queues/:queue/states/:state/empty', async (req: Request, res: Response) => {
    const { queue, state } = parseInput(stateParams, req.params);
    const back = ctx.links.queue(queue, state);
    if (!confirmed(req, res, ctx, `Delete every ${state} job of ${queue}? This cannot be undone.`, back)) return;
    await act(res, ctx, back, async () => {
      const n = await ctx.admin.emptyState(queue, state);
      return `Deleted ${n.toLocaleString('en-US')} ${state} job${n === 1 ? '' : 's'} of ${queue}.`;
    });
  });
}

/**
 * `true` when the form carries `confirm=yes`; otherwise answers with a
 * confirmation page that posts `fields` again.
 */
function confirmed(req: Request, res: Response, ctx: RouteContext, question: string, cancelHref: string, fields: Record<string, string | readonly string[]> = {}): boolean {
  if (parseInput(confirmBody, req.body).confirm === 'yes') return true;
  const hidden = Object.entries(fields).flatMap(([name, v]) => (typeof v === 'string' ? [v] : v).map((value) => ({ name, value })));
  sendPage(req, res, ctx.views, 'confirm', 'Please confirm', { question, action: req.originalUrl, cancelHref, hidden });
  return false;
}

/** Expected refusals, shown as a message on the page (a cancel of a finished job is a conflict, not a failure). */
const REFUSALS: ReadonlySet<string> = new Set(['JOBQ_JOB_NOT_FOUND', 'JOBQ_INVALID_ARGUMENT', 'JOBQ_JOB_ALREADY_FINISHED']);

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/**
 * Runs an action and redirects with its outcome as a flash message. Expected
 * refusals (no such job, job not failed, job running) are messages too; anything
 * else (Redis away) goes to the error handler.
 */
async function act(res: Response, ctx: RouteContext, to: string, run: () => Promise<string>, toOnError = to): Promise<void> {
  try {
    const text = await run();
    ctx.logger.info({ action: res.req.originalUrl }, text);
    redirectWithFlash(res, to, { kind: 'ok', text }, ctx.cookiePath);
  } catch (err) {
    if (err instanceof QueueError && REFUSALS.has(err.code)) {
      redirectWithFlash(res, toOnError, { kind: 'error', text: err.message.slice(0, 500) }, ctx.cookiePath);
      return;
    }
    throw err;
  }
}
