import type { Router } from 'express';
import { presentOverview } from '../presenters/overview';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/`: every queue's counts, workers online, throughput of the last hour. */
export function overviewRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/',
    apiPath: '/api/overview',
    view: 'overview',
    title: () => 'Overview',
    load: async () => {
      const o = await ctx.inspector.overview(60, ctx.now());
      return { ...o, flow: await ctx.inspector.flow(o.queues.map((q) => q.queue)) };
    },
    present: (o) => presentOverview(o, ctx.links),
  });
}
