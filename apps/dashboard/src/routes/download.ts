import { JOB_VALUE_FIELDS, type JobValueField } from '@jobq/queue-core';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error';
import { jobParams, parseInput } from '../http/params';
import type { RouteContext } from './context';

const downloadParams = jobParams.extend({ field: z.enum(JOB_VALUE_FIELDS, { message: `must be one of ${JOB_VALUE_FIELDS.join(', ')}` }) });

const JSON_FIELDS: ReadonlySet<JobValueField> = new Set(['payload', 'result', 'progress', 'job']);

/**
 * `/queues/:queue/jobs/:id/download/:field`: the whole stored value, as an
 * attachment (never rendered as HTML), for values the pages show cut short.
 */
export function downloadRoutes(router: Router, ctx: RouteContext): void {
  router.get('/queues/:queue/jobs/:id/download/:field', async (req: Request, res: Response) => {
    const { queue, id, field } = parseInput(downloadParams, req.params);
    const value = await ctx.inspector.rawValue(queue, id, field);
    if (value === null) throw new HttpError(404, `Job "${id}" on queue "${queue}" has no ${field}.`);
    const safeId = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
    const ext = JSON_FIELDS.has(field) ? 'json' : 'txt';
    res
      .status(200)
      .set({
        'Content-Type': JSON_FIELDS.has(field) ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        'Content-Disposition': `attachment; filename="${queue}-${safeId}-${field}.${ext}"`,
        'Content-Length': String(value.length),
        'Cache-Control': 'no-store',
      })
      .end(value);
  });
}
