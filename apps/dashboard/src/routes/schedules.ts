import { QueueError } from '@jobq/queue-core';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { redirectWithFlash } from '../http/flash';
import { confirmBody, parseInput, queueName } from '../http/params';
import { sendPage } from '../http/respond';
import { presentSchedules } from '../presenters/schedules';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/schedules/:queue/:name/:action` */
const scheduleActionParams = z.object({
  queue: queueName,
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'is not a valid schedule name'),
  action: z.enum(['pause', 'resume', 'trigger', 'remove'], { message: 'must be pause, resume, trigger or remove' }),
});

/** `/schedules`: every schedule with its next and last run (and JSON twin `/api/schedules`). */
export function scheduleRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/schedules',
    apiPath: '/api/schedules',
    view: 'schedules',
    title: () => 'Schedules',
    load: async () => ({ schedules: await ctx.schedules.list() }),
    present: (d, site) => presentSchedules(d.schedules, ctx.links, ctx.now(), site.canWrite),
  });
}

/**
 * The schedule actions (POST; CSRF-checked and refused in read-only mode by the
 * app). Pause and remove need `confirm=yes`, as other destructive actions do.
 */
export function scheduleActionRoutes(router: Router, ctx: RouteContext): void {
  router.post('/schedules/:queue/:name/:action', async (req: Request, res: Response) => {
    const { queue, name, action } = parseInput(scheduleActionParams, req.params);
    const ref = { queue, name };
    const back = `${ctx.links.schedules()}#schedule-${encodeURIComponent(`${queue}-${name}`)}`;
    const label = `${queue}/${name}`;
    const question = {
      pause: `Pause schedule ${label}? Its next run is removed and nothing runs until it is resumed.`,
      remove: `Remove schedule ${label}? Its next run is removed too. A worker that declares it at start adds it again.`,
    };
    if ((action === 'pause' || action === 'remove') && parseInput(confirmBody, req.body).confirm !== 'yes') {
      sendPage(req, res, ctx.views, 'confirm', 'Please confirm', { question: question[action], action: req.originalUrl, cancelHref: back, hidden: [] });
      return;
    }
    try {
      let text: string;
      if (action === 'pause') text = (await ctx.schedules.pause(ref)) ? `Schedule ${label} is paused.` : `Schedule ${label} was already paused.`;
      else if (action === 'resume') text = (await ctx.schedules.resume(ref)) ? `Schedule ${label} is running again.` : `Schedule ${label} was not paused.`;
      else if (action === 'trigger') text = `Schedule ${label} triggered: job ${await ctx.schedules.trigger(ref)} is waiting to run.`;
      else text = (await ctx.schedules.remove(ref)) ? `Schedule ${label} was removed.` : `Schedule ${label} was already gone.`;
      ctx.logger.info({ action: req.originalUrl }, text);
      redirectWithFlash(res, action === 'remove' ? ctx.links.schedules() : back, { kind: 'ok', text }, ctx.cookiePath);
    } catch (err) {
      if (err instanceof QueueError && (err.code === 'JOBQ_SCHEDULE_NOT_FOUND' || err.code === 'JOBQ_INVALID_ARGUMENT')) {
        redirectWithFlash(res, ctx.links.schedules(), { kind: 'error', text: err.message.slice(0, 500) }, ctx.cookiePath);
        return;
      }
      throw err;
    }
  });
}
