import { QueueError } from '@jobq/queue-core';
import type { NextFunction, Request, Response, Router } from 'express';
import { HttpError } from '../http/http-error';
import { redirectWithFlash } from '../http/flash';
import { bulkBody, cleanBody, confirmBody, jobParams, parseInput, queueParams, stateParams } from '../http/params';
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
    if (err instanceof QueueError && (err.code === 'JOBQ_JOB_NOT_FOUND' || err.code === 'JOBQ_INVALID_ARGUMENT')) {
      redirectWithFlash(res, toOnError, { kind: 'error', text: err.message.slice(0, 500) }, ctx.cookiePath);
      return;
    }
    throw err;
  }
}
