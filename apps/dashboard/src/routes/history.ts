import type { Request, Router } from 'express';
import { HttpError } from '../http/http-error';
import { historyQuery, parseInput, queueParams } from '../http/params';
import { presentHistory } from '../presenters/history';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/queues/:queue/history?range=day|month`: throughput over 24 h by minute or 30 days by hour, per job name. */
export function historyRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/queues/:queue/history',
    apiPath: '/api/queues/:queue/history',
    view: 'history',
    title: (h) => `${h.queue} · history (${h.range === 'day' ? '24 hours' : '30 days'})`,
    load: async (req: Request) => {
      const { queue } = parseInput(queueParams, req.params);
      const { range } = parseInput(historyQuery, req.query);
      if (!(await ctx.inspector.hasQueue(queue))) throw new HttpError(404, `There is no queue named "${queue}".`);
      return ctx.inspector.history(queue, range, ctx.now());
    },
    present: (h) => presentHistory(h, ctx.links),
  });
}
