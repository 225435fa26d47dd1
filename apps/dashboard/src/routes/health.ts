import type { Redis } from 'ioredis';
import type { Request, Response, Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';

/** `/healthz` (Redis answers PING within a second) and `/metrics`; both outside auth. */
export function healthRoutes(router: Router, redis: Redis, metrics: Registry, logger: Logger): void {
  router.get('/healthz', async (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    try {
      if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
      await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('PING timed out')), 1_000).unref())]);
      res.json({ status: 'ok', redis: 'up' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', redis: 'down', detail: (err as Error).message });
    }
  });
  router.get('/metrics', async (_req: Request, res: Response) => {
    try {
      const body = await metrics.metrics();
      res.set('Content-Type', metrics.contentType).send(body);
    } catch (err) {
      logger.warn({ err }, 'metrics scrape failed');
      res.status(503).type('text').send('# Redis is not reachable\n');
    }
  });
}
