/// <reference lib="dom" />
// Read-only means read-only: a real browser walks every page the dashboard links
// to and finds no write control anywhere.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');
import { launchChromium } from '@jobq/testing';
import { manyJobs } from './fixtures';
import { dashboardSuite } from './harness';

const now = Date.now();
let browser: Browser;
let page: Page;

describe('read-only dashboard in a browser', () => {
  const s = dashboardSuite(
    'ro-walk',
    [
      ...manyJobs('high_priority', 'waiting', 3, 1),
      ...manyJobs('high_priority', 'active', 1, 10),
      ...manyJobs('high_priority', 'delayed', 2, 20),
      ...manyJobs('high_priority', 'succeeded', 3, 30),
      ...manyJobs('low_priority', 'failed', 3, 40, 'report.generate'),
    ],
    { DASHBOARD_READ_ONLY: 'true' },
    async (redis, prefix) => {
      const info = { name: 'w-ro', hostname: 'h', pid: 1, queues: ['high_priority'], concurrency: 1, state: 'busy', running: [{ queue: 'high_priority', id: '10', name: 'email.send', startedAt: now }], processed: 1, failed: 0, busyMs: 1, startedAt: now, lastHeartbeat: now };
      await redis.set(`${prefix}:x:worker:w-ro`, JSON.stringify(info), 'PX', 60_000);
      await redis.zadd(`${prefix}:x:workers`, now, 'w-ro');
      const long = `w-${'n'.repeat(195)}`;
      await redis.set(`${prefix}:x:worker:${long}`, JSON.stringify({ ...info, name: long, hostname: `host-${'h'.repeat(120)}`, queues: ['high_priority', 'low_priority', 'a-very-long-queue-name-that-goes-on'] }), 'PX', 60_000);
      await redis.zadd(`${prefix}:x:workers`, now, long);
    },
  );

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows no write control on any page it links to, and says read-only on /enqueue', async () => {
    const origin = s.dash.origin;
    const seen = new Set<string>();
    const queue = ['/', '/enqueue', '/enqueue/email.send', '/search?id=1'];
    while (queue.length > 0 && seen.size < 80) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      await page.goto(`${s.dash.url}${next}`);
      await page.locator('main').waitFor();
      const controls = await page.evaluate(() => ({
        posts: document.querySelectorAll('form[method="post" i]').length,
        checkboxes: document.querySelectorAll('input[type="checkbox"]').length,
        buttons: [...document.querySelectorAll('button, input[type="submit"], [role="button"]')]
          .filter((b) => (b as HTMLElement).offsetParent !== null)
          .map((b) => (b.textContent || (b as HTMLInputElement).value || '').trim()),
        links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      }));
      expect({ page: next, posts: controls.posts, checkboxes: controls.checkboxes }).toEqual({ page: next, posts: 0, checkboxes: 0 });
      // Only navigation: find a job, filter a list, jump to a page.
      for (const b of controls.buttons) expect([next, b]).toEqual([next, expect.stringMatching(/^(Find|Filter|Go)$/)]);
      for (const href of controls.links) {
        const u = new URL(href);
        if (u.origin !== origin || /\/(api|static|download)\b|\/download\//.test(u.pathname)) continue;
        queue.push(`${u.pathname}${u.search}`);
      }
    }
    expect(seen.size).toBeGreaterThan(15);
    await page.goto(`${s.dash.url}/enqueue`);
    await page.getByRole('heading', { name: 'This dashboard is read-only' }).waitFor();
    await page.goto(`${s.dash.url}/enqueue/email.send`);
    await page.getByRole('heading', { name: 'This dashboard is read-only' }).waitFor();
    expect(await page.locator('textarea, input:not([type="search"]):not([type="hidden"]):not([type="number"]), select').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'read-only-enqueue.png'), fullPage: true });
  }, 120_000);

  it('fits the workers table, with a 197-character worker name, in a 1280 px window', async () => {
    await page.goto(`${s.dash.url}/workers`);
    const table = page.locator('table.workers');
    await table.waitFor();
    const fit = await table.evaluate((t) => ({ table: t.scrollWidth, card: (t.parentElement as HTMLElement).clientWidth, page: document.documentElement.scrollWidth }));
    expect(fit.table).toBeLessThanOrEqual(fit.card);
    expect(fit.page).toBeLessThanOrEqual(1280);
    await page.locator('td.name', { hasText: 'w-ro' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'workers-long-name.png'), fullPage: true });
  });
});
