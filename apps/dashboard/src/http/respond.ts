import type { Request, Response } from 'express';
import type { Views } from '../views';
import type { Flash } from './flash';

/** What every page's layout needs, set per request by the app. */
export interface SiteContext {
  readonly base: string;
  readonly refreshMs: number;
  readonly canWrite: boolean;
  readonly csrfToken: string;
  readonly flash: Flash | null;
  readonly search: string;
}

/** Header the live-refresh script sends: answer with the page body only. */
export const LIVE_HEADER = 'x-live';

/** The per-request site context (set by the app's middleware). */
export function siteOf(res: Response): SiteContext {
  return res.locals['site'] as SiteContext;
}

/**
 * Renders a page inside the layout, or just its body for a live refresh, with
 * caching off (the data changes every second).
 */
export function sendPage(req: Request, res: Response, views: Views, view: string, title: string, model: object, status = 200): void {
  const live = req.get(LIVE_HEADER) === '1';
  const site = { ...siteOf(res), title, live, nav: { [view.split('-')[0]]: true } };
  res.status(status).set('Cache-Control', 'no-store').vary('X-Live').type('html').send(views.render(view, { ...model, site }));
}
