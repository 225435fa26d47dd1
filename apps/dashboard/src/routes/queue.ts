import type { Request, Router } from 'express';
import { HttpError } from '../http/http-error';
import { listQuery, parseInput, queueParams } from '../http/params';
import { presentQueue } from '../presenters/queue';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/queues/:queue?state=&page=&size=&name=`: one state's jobs, newest first. */
export function queueRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/queues/:queue',
    apiPath: '/api/queues/:queue',
    view: 'queue',
    title: (d) => `${d.list.queue} · ${d.list.state}`,
    load: async (req: Request) => {
      const { queue } = parseInput(queueParams, req.params);
      const q = parseInput(listQuery, req.query);
      if (!(await ctx.inspector.hasQueue(queue))) throw new HttpError(404, `There is no queue named "${queue}".`);
      const now = ctx.now();
      const [list, [counts], throughput, [flow]] = await Promise.all([
        ctx.inspector.listJobs(queue, q.state, { page: q.page, pageSize: q.size, name: q.name }),
        ctx.inspector.counts([queue]),
        ctx.inspector.throughput([queue], 60, now),
        ctx.inspector.flow([queue]),
      ]);
      return { counts, flow, list, throughput, jobNames: ctx.contracts.filter((c) => c.queue === queue).map((c) => c.name) };
    },
    present: (d, site) => presentQueue(d, ctx.links, site.canWrite, ctx.now()),
  });
}
