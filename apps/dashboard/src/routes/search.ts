import type { Request, Response, Router } from 'express';
import { sendPage } from '../http/respond';
import { parseInput, searchQuery } from '../http/params';
import type { RouteContext } from './context';

/** `/search?id=`: finds a job by id on every queue; one match goes straight to it. */
export function searchRoutes(router: Router, ctx: RouteContext): void {
  router.get('/search', async (req: Request, res: Response) => {
    const { id } = parseInput(searchQuery, req.query);
    const matches = await ctx.inspector.findJob(id);
    if (matches.length === 1) return res.redirect(302, ctx.links.job(matches[0].queue, id));
    const model = { id, matches: matches.map((m) => ({ ...m, href: ctx.links.job(m.queue, m.id), name: m.name ?? '—' })), none: matches.length === 0 };
    sendPage(req, res, ctx.views, 'search', `Job ${id}`, model, matches.length === 0 ? 404 : 200);
  });
  router.get('/api/search', async (req: Request, res: Response) => {
    const { id } = parseInput(searchQuery, req.query);
    res.set('Cache-Control', 'no-store').json({ id, matches: await ctx.inspector.findJob(id) });
  });
}
