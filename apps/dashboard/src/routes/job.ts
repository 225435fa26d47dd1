import type { Request, Router } from 'express';
import { HttpError } from '../http/http-error';
import { jobParams, parseInput } from '../http/params';
import { presentDependencies } from '../presenters/dependencies';
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
      const [job, dependencies] = await Promise.all([ctx.inspector.getJob(queue, id), ctx.inspector.dependencies(queue, id)]);
      if (!job) throw new HttpError(404, `Job "${id}" was not found on queue "${queue}" (it may have expired after its retention period).`);
      return { ...job, dependencies };
    },
    present: (job, site) => ({ ...presentJob(job, ctx.links, site.canWrite), dependencies: presentDependencies(job.queue, job.state, job.dependencies, ctx.links) }),
  });
}
