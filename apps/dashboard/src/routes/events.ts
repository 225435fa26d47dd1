import type { Request, Response, Router } from 'express';
import type { LiveHub } from '../live/live-hub';

/**
 * `/api/events`: Server-Sent Events that tell open pages when jobs changed
 * (`jobs` events, coalesced), `resync` on every (re)connect, and a heartbeat
 * comment. Behind the same auth as the pages.
 */
export function eventRoutes(router: Router, live: LiveHub): void {
  router.get('/api/events', (_req: Request, res: Response) => live.connect(res));
}
