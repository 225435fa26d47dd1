import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sendEmail } from '@jobq/job-defs';
import { handle, QueueClient, Worker, type QueueConfig } from '@jobq/queue-core';
import type { Redis } from 'ioredis';
import { deletePrefix, waitFor } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { fixtureRedis, manyJobs, testPrefix, writeJobs } from './fixtures';
import { openConfirmingPage, startDashboard, type RunningDashboard } from './harness';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');
const prefix = testPrefix('browser');
let redis: Redis;
let dash: RunningDashboard;
let readOnly: RunningDashboard;
let browser: Browser;
let page: Page;
let client: QueueClient;
let worker: Worker;

/** Fails the first attempt of every job, succeeds afterwards. */
const seen = new Set<string>();
const flakyEmail = handle(sendEmail, async (email, ctx) => {
  await ctx.progress(50, 'talking to SMTP');
  if (!seen.has(ctx.id)) {
    seen.add(ctx.id);
    throw new Error('SMTP server said 421: try again later');
  }
  return { messageId: `msg-${ctx.id}`, accepted: [email.to].flat(), transport: 'test' };
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  redis = fixtureRedis();
  // Some history so the lists and the chart have something to show.
  await writeJobs(redis, prefix, [
    ...manyJobs('high_priority', 'succeeded', 40, 1000),
    ...manyJobs('low_priority', 'waiting', 12, 2000, 'report.generate'),
    ...manyJobs('low_priority', 'failed', 3, 3000, 'dataset.export').map((j) => ({ ...j, error: 'disk full', errorCode: 'ENOSPC' })),
  ]);
  dash = await startDashboard(prefix, { DASHBOARD_REFRESH_MS: '400' });
  readOnly = await startDashboard(prefix, { DASHBOARD_READ_ONLY: '1' });
  const config: QueueConfig = dash.config.queue;
  client = await QueueClient.connect(config);
  worker = new Worker(config, { name: 'browser-test-worker', handlers: [flakyEmail], queues: ['high_priority'], heartbeatMs: 300, safetyPollMs: 200 });
  await worker.start();
  ({ browser, page } = await openConfirmingPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.close({ graceMs: 1_000 });
  await client?.close();
  await dash?.close();
  await readOnly?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

it('finds a failed job from the overview, retries it and watches it succeed', async () => {
  const job = await client.enqueue(sendEmail, { to: 'ada@example.com', subject: 'Welcome', text: 'Hello Ada' }, { retries: 0 });
  await page.goto(`${dash.url}/`);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  // The live refresh brings the failure in without reloading the page.
  const failedCell = page.locator('#overview-counts tr', { hasText: 'high_priority' }).locator('td.state-failed a');
  await waitFor(async () => (await failedCell.textContent()) === '1', 10_000, 'the failed count to reach 1');
  await shot('overview');

  await failedCell.click();
  await page.waitForURL(/state=failed/);
  await page.locator('#queue-jobs td.error', { hasText: 'SMTP server said 421' }).waitFor();
  await shot('queue-failed');

  await page.locator('#queue-jobs td.id a', { hasText: job.id }).click();
  await page.waitForURL(new RegExp(`/jobs/${job.id}$`));
  await page.locator('.error-message', { hasText: 'SMTP server said 421' }).waitFor();
  await shot('job-failed');

  await page.getByRole('button', { name: 'Retry' }).click();
  await page.locator('.flash-ok', { hasText: `Job ${job.id} is waiting to run again.` }).waitFor();
  await page.locator('#job-head .badge.state-succeeded').waitFor({ timeout: 10_000 });
  await page.locator('#job-facts pre.json', { hasText: `msg-${job.id}` }).waitFor({ timeout: 5_000 });
  await shot('job-succeeded');
  expect(await job.status()).toBe('succeeded');
});

it('shows the workers page with the live worker', async () => {
  await page.goto(`${dash.url}/workers`);
  await page.locator('#workers td.name', { hasText: 'browser-test-worker' }).waitFor();
  await shot('workers');
});

it('shows a deep page of a queue', async () => {
  await page.goto(`${dash.url}/queues/high_priority?state=succeeded&page=2&size=10`);
  await page.getByText('Page 2 of').waitFor();
  await shot('queue-succeeded-page-2');
});

it('rejects a bad field in the enqueue form and accepts a good one', async () => {
  await page.goto(`${dash.url}/enqueue/email.send`);
  await page.locator('#field-to').fill('not an address');
  await page.locator('#field-subject').fill('Quarterly report');
  await page.locator('#field-text').fill('See attached.');
  await page.getByRole('button', { name: 'Enqueue' }).click();
  await page.locator('.field.has-error .field-error', { hasText: 'must be an email address' }).waitFor();
  await shot('enqueue-form-errors');

  await page.locator('#field-to').fill('grace@example.com');
  await page.getByRole('button', { name: 'Enqueue' }).click();
  await page.waitForURL(/\/queues\/high_priority\/jobs\/\d+$/);
  await page.locator('.flash-ok', { hasText: 'Enqueued email.send as job' }).waitFor();
  await page.goto(`${dash.url}/enqueue/report.generate`);
  await shot('enqueue-form');
});

it('shows no write buttons in read-only mode', async () => {
  for (const path of ['/', '/queues/low_priority?state=failed', '/queues/low_priority/jobs/3000']) {
    await page.goto(`${readOnly.url}${path}`);
    await page.locator('main').waitFor();
    expect(await page.locator('form[method="post"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Retry|Remove|Empty/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Enqueue' }).count()).toBe(0);
  }
  await page.locator('.badge-readonly').waitFor();
  await shot('read-only-job');
});
