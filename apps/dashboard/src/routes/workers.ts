import type { Router } from 'express';
import { presentWorkers } from '../presenters/workers';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/workers`: every live worker and what it runs. */
export function workerRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/workers',
    apiPath: '/api/workers',
    view: 'workers',
    title: () => 'Workers',
    load: async () => ({ workers: await ctx.inspector.workers() }),
    present: (d, site) => presentWorkers(d.workers, ctx.links, ctx.now(), site.canWrite),
  });
}
