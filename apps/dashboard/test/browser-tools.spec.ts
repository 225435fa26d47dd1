/// <reference lib="dom" />
// Operator tools (issue 12), each end to end in a real browser: bulk retry and
// remove, run a delayed job now, clean old finished jobs, queue latency, dark
// mode, and the enqueue form's options.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');
import { manyJobs } from './fixtures';
import { dashboardSuite, openConfirmingPage } from './harness';

let browser: Browser;
let page: Page;
const DAY = 86_400_000;
const old = Date.now() - 2 * DAY;

describe('operator tools in a browser', () => {
  const s = dashboardSuite('tools', [
    ...manyJobs('high_priority', 'failed', 3, 100).map((j) => ({ ...j, error: 'smtp down' })),
    ...manyJobs('high_priority', 'waiting', 2, 200).map((j, i) => ({ ...j, createdAt: Date.now() - 90_000 - i })),
    ...manyJobs('high_priority', 'delayed', 1, 300),
    ...manyJobs('low_priority', 'succeeded', 3, 400, 'report.generate').map((j, i) => ({ ...j, at: old - i })),
    ...manyJobs('low_priority', 'succeeded', 1, 500, 'report.generate').map((j) => ({ ...j, at: Date.now() - 60_000 })),
  ]);
  const flash = (text: string | RegExp) => page.locator('.flash-ok', { hasText: text }).waitFor();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ browser, page } = await openConfirmingPage());
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('retries several selected failed jobs at once', async () => {
    await page.goto(`${s.dash.url}/queues/high_priority?state=failed`);
    await page.getByLabel('Select job 100').check();
    await page.getByLabel('Select job 102').check();
    await page.getByRole('button', { name: 'Retry selected' }).click();
    await flash('2 of 2 selected jobs retried.');
    expect(await s.redis.smembers(`${s.prefix}:high_priority:failed`)).toEqual(['101']);
    await page.screenshot({ path: path.join(SHOTS, 'tools-bulk-retry.png'), fullPage: true });
  });

  it('removes every selected job with "select all", after a confirmation', async () => {
    await page.goto(`${s.dash.url}/queues/high_priority?state=failed`);
    await page.getByLabel('Select every job on this page').check();
    await page.getByRole('button', { name: 'Remove selected' }).click();
    await flash('1 of 1 selected job removed.');
    expect(await s.redis.hexists(`${s.prefix}:high_priority:jobs`, '101')).toBe(0);
  });

  it('runs a delayed job now', async () => {
    await page.goto(`${s.dash.url}/queues/high_priority/jobs/300`);
    await page.locator('#job-head .badge.state-delayed').waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    await flash('Job 300 is waiting to run now.');
    await page.locator('#job-head .badge.state-waiting').waitFor();
    expect(await s.redis.lrange(`${s.prefix}:high_priority:waiting`, 0, 0)).toEqual(['300']);
    expect(await s.redis.llen(`${s.prefix}:high_priority:x:wake`)).toBe(1);
  });

  it('cleans the finished jobs older than an age', async () => {
    await page.goto(`${s.dash.url}/queues/low_priority?state=succeeded`);
    await page.locator('form.clean input[name="age"]').fill('1');
    await page.locator('form.clean select[name="unit"]').selectOption('days');
    await page.getByRole('button', { name: 'Clean' }).click();
    await flash('Deleted 3 succeeded jobs of low_priority older than 1 days.');
    expect(await s.redis.zrange(`${s.prefix}:low_priority:x:idx:succeeded`, 0, -1)).toEqual(['500']);
    await page.screenshot({ path: path.join(SHOTS, 'tools-clean.png'), fullPage: true });
  });

  it('shows each queue\'s latency on the overview, and follows dark mode', async () => {
    await page.goto(`${s.dash.url}/`);
    const latency = page.locator('#overview-counts tr', { hasText: 'high_priority' }).locator('td.latency');
    expect(await latency.textContent()).toMatch(/^1 min 3\d s$/);
    expect(await page.locator('#overview-counts tr', { hasText: 'low_priority' }).locator('td.latency').textContent()).toBe('—');
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(light).toBe('rgb(245, 246, 248)');
    expect(dark).toBe('rgb(18, 22, 31)');
    await page.screenshot({ path: path.join(SHOTS, 'tools-dark-overview.png'), fullPage: true });
    await page.goto(`${s.dash.url}/queues/high_priority?state=waiting`);
    await page.screenshot({ path: path.join(SHOTS, 'tools-dark-queue.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('enqueues with a job id and a delay, and refuses bad options', async () => {
    await page.goto(`${s.dash.url}/enqueue/email.send`);
    await page.locator('#field-to').fill('ada@example.com');
    await page.locator('#field-subject').fill('Later');
    await page.locator('#field-text').fill('Hi');
    await page.locator('#field-option-jobId').fill('bad id!');
    await page.locator('#field-option-delay').fill('60');
    await page.locator('#field-option-runAt').fill('2031-01-02T03:04');
    await page.getByRole('button', { name: 'Enqueue' }).click();
    await page.locator('.field.has-error .field-error', { hasText: 'must be 1-200 letters' }).waitFor();
    await page.locator('.field.has-error .field-error', { hasText: 'give a delay or a run-at time, not both' }).waitFor();
    expect(await s.redis.hexists(`${s.prefix}:high_priority:jobs`, 'bad id!')).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'tools-enqueue-options-errors.png'), fullPage: true });

    await page.locator('#field-option-jobId').fill('welcome-ada');
    await page.locator('#field-option-runAt').fill('');
    await page.locator('#field-option-retries').fill('5');
    await page.getByRole('button', { name: 'Enqueue' }).click();
    await page.waitForURL(/\/queues\/high_priority\/jobs\/welcome-ada$/);
    await page.locator('#job-head .badge.state-delayed').waitFor();
    await page.locator('.facts dd', { hasText: '5 configured · 0 used · 5 left' }).waitFor();
    const runAt = Number(await s.redis.zscore(`${s.prefix}:high_priority:delayed`, 'welcome-ada'));
    expect(runAt - Date.now()).toBeGreaterThan(50_000);
    expect(runAt - Date.now()).toBeLessThan(61_000);
  });
});
