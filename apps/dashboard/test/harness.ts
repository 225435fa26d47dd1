import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { connectRedis, QueueClient } from '@jobq/queue-core';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { createApp, liveHubOf, type DashboardDeps, type Enqueuer } from '../src/app';
import { loadConfig, type DashboardConfig } from '../src/config';
import { deletePrefix, launchChromium } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { fixtureRedis, REDIS_URL, testPrefix, writeJobs, type FixtureJob } from './fixtures';

/** A dashboard listening on a free port, for one suite. */
export interface RunningDashboard {
  /** `http://127.0.0.1:<port>` plus the URL prefix. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly config: DashboardConfig;
  readonly redis: Redis;
  close(): Promise<void>;
}

/** Starts a dashboard (createApp on port 0) with `env` over test defaults. */
export async function startDashboard(prefix: string, env: Record<string, string> = {}, enqueuer?: Enqueuer, extra: Partial<Pick<DashboardDeps, 'live'>> = {}): Promise<RunningDashboard> {
  const config = loadConfig({ REDIS_URL, JOBQ_PREFIX: prefix, LOG_LEVEL: 'silent', DASHBOARD_REFRESH_MS: '1000', ...env });
  const redis = await connectRedis(config.queue, { connectionName: `${prefix}:dashboard-test`, failFast: true });
  let client: Promise<QueueClient> | null = null;
  const realEnqueuer: Enqueuer = {
    enqueue: async (contract, payload, options) => {
      client ??= QueueClient.connect(config.queue);
      return (await client).enqueue(contract, payload as never, options);
    },
  };
  const app = createApp({ config, redis, enqueuer: enqueuer ?? realEnqueuer, logger: pino({ level: 'silent' }), ...extra });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${config.urlPrefix}`,
    origin,
    config,
    redis,
    close: async () => {
      liveHubOf(app).close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (client) await (await client).close();
      redis.disconnect();
    },
  };
}

/** A tiny HTTP client with a cookie jar, enough to post forms with their CSRF token. */
/**
 * Debian's Chromium (see `launchChromium`) with one page, 1280 px wide, that
 * accepts every confirm() dialog as an operator clicking OK would.
 */
export async function openConfirmingPage(height = 900): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  page.on('dialog', (d) => void d.accept());
  return { browser, page };
}

export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  /** GET (or any method) without following redirects. */
  async request(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.headers as Record<string, string>) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, body: await res.text(), headers: res.headers };
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request(url, { headers });
  }

  /** Posts a urlencoded form. */
  post(url: string, fields: Record<string, string>) {
    return this.request(url, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Loads `pageUrl` and returns the CSRF token its forms carry. */
  async csrfToken(pageUrl: string): Promise<string> {
    const { body } = await this.get(pageUrl);
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error(`no CSRF token on ${pageUrl}`);
    return m[1];
  }
}

/** What {@link dashboardSuite} hands a describe block. */
export interface DashboardSuite {
  readonly prefix: string;
  readonly redis: Redis;
  readonly dash: RunningDashboard;
}

/**
 * Registers the hooks of a suite: writes `jobs` under a fresh key prefix (plus
 * whatever `setup` writes), starts a dashboard with `env`, and afterwards stops it
 * and deletes the prefix's keys.
 */
export function dashboardSuite(
  suite: string,
  jobs: readonly FixtureJob[],
  env: Record<string, string> = {},
  setup?: (redis: Redis, prefix: string) => Promise<void>,
): DashboardSuite {
  const state = { prefix: testPrefix(suite) } as { prefix: string; redis: Redis; dash: RunningDashboard };
  beforeAll(async () => {
    state.redis = fixtureRedis();
    await writeJobs(state.redis, state.prefix, jobs);
    await setup?.(state.redis, state.prefix);
    state.dash = await startDashboard(state.prefix, env);
  });
  afterAll(async () => {
    await state.dash?.close();
    await deletePrefix(state.redis, state.prefix);
    state.redis.disconnect();
  });
  return state;
}
