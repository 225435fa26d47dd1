import type { Request, Response, Router } from 'express';
import { sendPage, siteOf, type SiteContext } from '../http/respond';
import type { RouteContext } from './context';

/** A read-only page and its JSON twin, both built from one `load`. */
export interface PageSpec<T> {
  /** Path of the HTML page, e.g. `/queues/:queue`. */
  readonly path: string;
  /** Path of the JSON twin, e.g. `/api/queues/:queue`. */
  readonly apiPath: string;
  readonly view: string;
  readonly title: (data: NoInfer<T>) => string;
  /** Reads what the page shows; throws for bad input (400) or missing things (404). */
  readonly load: (req: Request) => Promise<T>;
  /** Turns the data into the view model. */
  readonly present: (data: NoInfer<T>, site: SiteContext) => object;
}

/** Registers the HTML page and its JSON twin. */
export function registerPage<T>(router: Router, ctx: RouteContext, spec: PageSpec<T>): void {
  router.get(spec.path, async (req: Request, res: Response) => {
    const data = await spec.load(req);
    sendPage(req, res, ctx.views, spec.view, spec.title(data), spec.present(data, siteOf(res)));
  });
  router.get(spec.apiPath, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json(await spec.load(req));
  });
}
