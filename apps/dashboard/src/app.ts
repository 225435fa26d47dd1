import path from 'node:path';
import { catalogueList, QUEUES_BY_PRIORITY, type AnyJobContract } from '@jobq/job-defs';
import { createRedis, QueueAdmin, QueueInspector, ScheduleManager } from '@jobq/queue-core';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DashboardConfig } from './config';
import { createCsrfGuard } from './http/csrf';
import { takeFlash } from './http/flash';
import { HttpError, toHttpError } from './http/http-error';
import { LIVE_HEADER, sendPage, type SiteContext } from './http/respond';
import { refuseWrites, requireBasicAuth, securityHeaders } from './http/security';
import { createMetrics } from './metrics';
import { Links } from './presenters/links';
import { actionRoutes } from './routes/actions';
import type { Enqueuer, RouteContext } from './routes/context';
import { downloadRoutes } from './routes/download';
import { enqueueRoutes } from './routes/enqueue';
import { eventRoutes } from './routes/events';
import { LiveHub, type LiveHubOptions } from './live/live-hub';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/job';
import { overviewRoutes } from './routes/overview';
import { historyRoutes } from './routes/history';
import { queueRoutes } from './routes/queue';
import { scheduleActionRoutes, scheduleRoutes } from './routes/schedules';
import { searchRoutes } from './routes/search';
import { workerRoutes } from './routes/workers';
import { Views } from './views';

export type { Enqueuer } from './routes/context';

/** Static assets: `public/` next to `src/` and `dist/`. */
export const PUBLIC_DIR = path.join(__dirname, '..', 'public');

/** What {@link createApp} needs; tests pass their own. */
export interface DashboardDeps {
  readonly config: DashboardConfig;
  /** A fail-fast ioredis connection (commands fail at once while Redis is away). */
  readonly redis: Redis;
  readonly enqueuer: Enqueuer;
  readonly logger: Logger;
  /** Contracts offered by the enqueue form. @defaultValue the catalogue */
  readonly contracts?: readonly AnyJobContract[];
  /** Clock. @defaultValue Date.now */
  readonly now?: () => number;
  /** Connection for the blocking reads of live updates. @defaultValue a new blocking, fail-fast connection */
  readonly eventsRedis?: Redis;
  /** Tuning of live updates (tests shrink the limits). */
  readonly live?: LiveHubOptions;
}

/** The live-update hub of an app made by {@link createApp} (closed on shutdown). */
export function liveHubOf(app: Express): LiveHub {
  return app.locals['liveHub'] as LiveHub;
}

/**
 * Builds the dashboard's Express app (without listening). Health and metrics
 * answer without auth; everything else sits behind basic auth (when set), CSRF
 * checks on posts and, in read-only mode, a refusal of every write.
 */
export function createApp(deps: DashboardDeps): Express {
  const { config, redis, logger } = deps;
  const base = config.urlPrefix;
  const cookiePath = base || '/';
  const contracts = deps.contracts ?? catalogueList;
  const knownQueues = [...new Set([...QUEUES_BY_PRIORITY, ...contracts.map((c) => c.queue)])];
  const inspector = new QueueInspector(redis, config.queue.prefix, { knownQueues });
  const ctx: RouteContext = {
    views: new Views(),
    inspector,
    admin: new QueueAdmin(redis, config.queue.prefix, { eventsMaxLen: config.queue.eventsMaxLen }),
    schedules: new ScheduleManager(redis, config.queue.prefix, { eventsMaxLen: config.queue.eventsMaxLen }),
    links: new Links(base),
    contracts,
    enqueuer: deps.enqueuer,
    cookiePath,
    logger,
    now: deps.now ?? Date.now,
  };
  // The blocking reader gets a connection of its own, with queue-core's guard against half-open sockets.
  const eventsRedis = deps.eventsRedis ?? createRedis(config.queue, { connectionName: `${config.queue.prefix}:dashboard-events`, failFast: true, blocking: true });
  const live = new LiveHub(eventsRedis, inspector, config.queue.prefix, logger, deps.live);
  const csrf = createCsrfGuard(config.csrfSecret, cookiePath);
  const canWrite = !config.readOnly;

  const app = express();
  app.locals['liveHub'] = live;
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog(logger));
  app.use(securityHeaders);

  // Probes and scrapers get in without credentials, under the prefix and at the root.
  // Only GET, HEAD and POST mean anything here; say so before CSRF or auth get a say.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') return next();
    res.set('Allow', config.readOnly ? 'GET, HEAD' : 'GET, HEAD, POST').status(405).type('text').send(`${req.method.slice(0, 20)} is not allowed here.\n`);
  });
  const favicon = (_req: Request, res: Response) => res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').sendFile(path.join(PUBLIC_DIR, 'favicon.svg'));
  app.get('/favicon.ico', favicon);
  if (base) app.get(`${base}/favicon.ico`, favicon);
  const open = express.Router();
  healthRoutes(open, redis, createMetrics(inspector, live), logger);
  app.use(open);
  if (base) app.use(base, open);

  const site = express.Router();
  if (config.auth) site.use(requireBasicAuth(config.auth.username, config.auth.password));
  site.use('/static', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
  site.use(cookieParser());
  site.use(csrf.identify);
  if (!canWrite) site.use(refuseWrites);
  site.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 200 }));
  site.use(csrf.protect);
  site.use((req: Request, res: Response, next: NextFunction) => {
    const isPage = req.method === 'GET' && !req.path.startsWith('/api/');
    const context: SiteContext = {
      base,
      refreshMs: config.refreshMs,
      canWrite,
      csrfToken: canWrite ? csrf.token(req, res) : '',
      flash: isPage && req.get(LIVE_HEADER) !== '1' ? takeFlash(req, res, cookiePath) : null,
      search: typeof req.query['id'] === 'string' ? req.query['id'].slice(0, 200) : '',
    };
    res.locals['site'] = context;
    // Fail fast with a clear 503 while Redis is away instead of a failed command.
    if (redis.status !== 'ready') return next(toHttpError(new Error('redis not ready'), false));
    next();
  });
  eventRoutes(site, live);
  overviewRoutes(site, ctx);
  historyRoutes(site, ctx);
  queueRoutes(site, ctx);
  jobRoutes(site, ctx);
  workerRoutes(site, ctx);
  scheduleRoutes(site, ctx);
  searchRoutes(site, ctx);
  downloadRoutes(site, ctx);
  enqueueRoutes(site, ctx);
  if (canWrite) actionRoutes(site, ctx);
  if (canWrite) scheduleActionRoutes(site, ctx);
  site.use((req: Request, _res: Response, next: NextFunction) => next(new HttpError(404, `Nothing here: ${req.path.slice(0, 200)}`)));
  site.use(errorHandler(ctx, redis, base));
  app.use(base || '/', site);
  app.use((req: Request, res: Response) => {
    res.status(404).type('text').send(`Not found. The dashboard lives under ${base || '/'}.`);
  });
  return app;
}

/** The error handler: every failure becomes a page (or JSON under /api) with the right status. */
function errorHandler(ctx: RouteContext, redis: Redis, base: string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const http = toHttpError(err, redis.status === 'ready');
    if (http.status >= 500 && http.status !== 503) ctx.logger.error({ err, url: req.originalUrl }, 'request failed');
    else ctx.logger.debug({ status: http.status, url: req.originalUrl, reason: (err as Error)?.message }, 'request refused');
    if (res.headersSent) return;
    if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
      res.status(http.status).set('Cache-Control', 'no-store').json({ error: { status: http.status, message: http.message } });
      return;
    }
    if (!res.locals['site']) {
      const fallback: SiteContext = { base, refreshMs: 0, canWrite: false, csrfToken: '', flash: null, search: '' };
      res.locals['site'] = fallback;
    }
    const redisDown = http.status === 503;
    sendPage(req, res, ctx.views, 'error', redisDown ? 'Redis unavailable' : `Error ${http.status}`, { status: http.status, message: http.message, redisDown }, http.status);
  };
}

/** One structured log line per request. */
function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      logger.debug({ method: req.method, url: req.originalUrl.slice(0, 500), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
