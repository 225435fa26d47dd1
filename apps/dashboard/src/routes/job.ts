import type { Request, Router } from 'express';
import { HttpError } from '../http/http-error';
import { jobParams, parseInput } from '../http/params';
import { presentJob } from '../presenters/job';
import type { RouteContext } from './context';
import { registerPage } from './page';

/** `/queues/:queue/jobs/:id`: everything about one job. */
export function jobRoutes(router: Router, ctx: RouteContext): void {
  registerPage(router, ctx, {
    path: '/queues/:queue/jobs/:id',
    apiPath: '/api/queues/:queue/jobs/:id',
    view: 'job',
    title: (job) => `Job ${job.id} · ${job.queue}`,
    load: async (req: Request) => {
      const { queue, id } = parseInput(jobParams, req.params);
      const job = await ctx.inspector.getJob(queue, id);
      if (!job) throw new HttpError(404, `Job "${id}" was not found on queue "${queue}" (it may have expired after its retention period).`);
      return job;
    },
    present: (job, site) => presentJob(job, ctx.links, site.canWrite),
  });
}
