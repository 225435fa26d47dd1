/// <reference lib="dom" />
// Live dashboard without polling (issue 8): an open page shows a newly enqueued
// job, and its finish, within about a second, driven by the job event stream the
// producer and the worker append to.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sendEmail } from '@jobq/job-defs';
import { handle, QueueClient, Worker } from '@jobq/queue-core';
import type { Browser, Page } from 'playwright-core';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');
import { launchChromium } from '@jobq/testing';
import { dashboardSuite } from './harness';

let browser: Browser;
let page: Page;
let client: QueueClient;
let worker: Worker | null = null;
let jobId = '';

describe('live updates in a browser', () => {
  // Polling fallback off: whatever shows up, the event stream brought it.
  const s = dashboardSuite('live-browser', [], { DASHBOARD_REFRESH_MS: '0' });

  beforeAll(async () => {
    client = await QueueClient.connect(s.dash.config.queue);
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close({ graceMs: 1_000 });
    await client?.close();
  });

  it('shows a job enqueued after the page opened, then its success, each within a second', async () => {
    await page.goto(`${s.dash.url}/queues/high_priority?state=waiting`);
    await page.waitForFunction(() => document.body.dataset['live'] === 'stream');
    const job = await client.enqueue(sendEmail, { to: 'ada@example.com', subject: 'Live', text: 'hi' });
    jobId = job.id;
    const enqueuedAt = Date.now();
    await page.locator('#queue-jobs td.id a', { hasText: job.id }).waitFor({ timeout: 1_000 });
    const shownAfter = Date.now() - enqueuedAt;
    await page.screenshot({ path: path.join(SHOTS, 'live-waiting.png'), fullPage: true });

    await page.goto(`${s.dash.url}/queues/high_priority/jobs/${job.id}`);
    await page.waitForFunction(() => document.body.dataset['live'] === 'stream');
    worker = new Worker(s.dash.config.queue, { name: 'live-worker', queues: ['high_priority'], handlers: [handle(sendEmail, async () => ({ messageId: 'm-live', accepted: ['ada@example.com'], transport: 'test' }))], heartbeatMs: 300 });
    let finishedAt = 0;
    worker.on('job:finished', () => (finishedAt = Date.now()));
    await worker.start();
    await page.locator('#job-head .badge.state-succeeded').waitFor({ timeout: 5_000 });
    const succeededShownAfter = Date.now() - finishedAt;
    expect(shownAfter).toBeLessThan(1_000);
    expect(succeededShownAfter).toBeLessThan(1_000);
    await page.locator('#job-facts pre.result', { hasText: 'm-live' }).waitFor();
  }, 30_000);

  it('refreshes a job page for its own job only, and a queue page for its own queue only', async () => {
    const refreshedAt = () => page.evaluate(() => document.body.dataset['liveRefreshedAt'] ?? '');
    const emit = (queue: string, id: string) => s.redis.xadd(`${s.prefix}:${queue}:x:events`, '*', 'ev', 'progress', 'id', id, 'name', 'email.send', 'at', String(Date.now()));
    for (const [url, other, own] of [
      [`/queues/high_priority/jobs/${jobId}`, ['high_priority', `${jobId}0`], ['high_priority', jobId]],
      ['/queues/high_priority?state=waiting', ['low_priority', '9'], ['high_priority', '9']],
    ] as [string, [string, string], [string, string]][]) {
      await page.goto(`${s.dash.url}${url}`);
      // The resync on connect refreshes once.
      await page.waitForFunction(() => document.body.dataset['live'] === 'stream' && Boolean(document.body.dataset['liveRefreshedAt']));
      const first = await refreshedAt();
      await emit(other[0], other[1]);
      await new Promise((r) => setTimeout(r, 700));
      expect(await refreshedAt()).toBe(first);
      await emit(own[0], own[1]);
      await page.waitForFunction((before) => document.body.dataset['liveRefreshedAt'] !== before, first, { timeout: 1_000 });
    }
  });
});
