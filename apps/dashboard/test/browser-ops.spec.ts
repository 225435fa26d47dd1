/// <reference lib="dom" />
// Worker-side operator tools (issue 12), end to end in a real browser with a real
// worker: a handler's log lines on the job page, quiet and stop from the workers
// page, and the throughput history page.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineJob, z } from '@jobq/job-defs';
import { handle, QueueClient, Worker, WorkerRegistry } from '@jobq/queue-core';
import { waitFor } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { dashboardSuite, openConfirmingPage } from './harness';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');

const opsWork = defineJob({
  name: 'ops.work',
  queue: 'ops_q',
  description: 'Logs a few lines, waits, returns',
  payload: z.object({ n: z.number().int().min(0).max(50), ms: z.number().int().min(0) }),
  result: z.object({ n: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 30_000 },
});

let browser: Browser;
let page: Page;
let client: QueueClient;
let worker: Worker;

describe('worker-side operator tools in a browser', () => {
  const s = dashboardSuite('ops', []);
  const flash = (text: string | RegExp) => page.locator('.flash-ok', { hasText: text }).waitFor();
  const registry = () => new WorkerRegistry(s.redis, s.prefix);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    client = await QueueClient.connect(s.dash.config.queue);
    worker = new Worker(s.dash.config.queue, {
      name: 'w-ops',
      concurrency: 2,
      heartbeatMs: 200,
      handlers: [
        handle(opsWork, async (p, ctx) => {
          for (let i = 1; i <= p.n; i += 1) ctx.log(`<b>step</b> ${i} of ${p.n}`);
          await new Promise((r) => setTimeout(r, p.ms));
          return { n: p.n };
        }),
      ],
    });
    await worker.start();
    ({ browser, page } = await openConfirmingPage());
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stopNow();
    await client?.close();
  });

  it("shows a handler's log lines on the job page, escaped", async () => {
    const job = await client.enqueue(opsWork, { n: 3, ms: 0 });
    await job.result({ timeoutMs: 5_000 });
    await page.goto(`${s.dash.url}/queues/ops_q/jobs/${job.id}`);
    const lines = page.locator('#job-log li .log-text');
    expect(await lines.allTextContents()).toEqual(['<b>step</b> 1 of 3', '<b>step</b> 2 of 3', '<b>step</b> 3 of 3']);
    expect(await page.locator('#job-log b').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'ops-job-log.png'), fullPage: true });
  });

  it('quiets a worker from the workers page: it finishes its job, takes no new one and shows quiet', async () => {
    const running = await client.enqueue(opsWork, { n: 1, ms: 1_500 });
    await waitFor(async () => (await running.status()) === 'active', { what: 'the job to run' });
    await page.goto(`${s.dash.url}/workers`);
    const row = page.locator('tr#worker-w-ops');
    await row.getByRole('button', { name: 'Quiet' }).click();
    await flash('Worker w-ops was asked to go quiet');
    await waitFor(async () => (await registry().get('w-ops'))?.state === 'quiet', { timeoutMs: 3_000, what: 'the worker to go quiet' });
    const later = await client.enqueue(opsWork, { n: 1, ms: 0 });
    await page.goto(`${s.dash.url}/workers`);
    await row.locator('.badge.worker-quiet').waitFor();
    expect(await row.getByRole('button', { name: 'Quiet' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'ops-worker-quiet.png'), fullPage: true });
    await expect(running.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 1 });
    expect(await later.status()).toBe('waiting');
  });

  it('stops a worker from the workers page: it closes and leaves the registry', async () => {
    await page.goto(`${s.dash.url}/workers`);
    await page.locator('tr#worker-w-ops').getByRole('button', { name: 'Stop' }).click();
    await flash('Worker w-ops was asked to stop');
    await waitFor(async () => (await registry().get('w-ops')) === null, { timeoutMs: 5_000, what: 'the worker to deregister' });
    await page.goto(`${s.dash.url}/workers`);
    await page.getByText('No workers online.').waitFor();
  });

  it('shows the throughput history per job name, by minute and by hour', async () => {
    await page.goto(`${s.dash.url}/queues/ops_q`);
    await page.getByRole('link', { name: /History: 24 hours/ }).click();
    const row = page.locator('#history-names tbody tr', { hasText: 'ops.work' });
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    expect(await row.locator('td').nth(2).textContent()).toBe('0');
    // p50 of a 1.5 s job and an instant one: somewhere between them.
    expect(await row.locator('td').nth(4).textContent()).toMatch(/ms$|s$/);
    expect(await page.locator('#history-chart figcaption').textContent()).toContain('2 processed');
    await page.screenshot({ path: path.join(SHOTS, 'ops-history-day.png'), fullPage: true });
    await page.getByRole('link', { name: '30 days by hour' }).click();
    await page.locator('h1', { hasText: 'last 30 days, per hour' }).waitFor();
    // a bar per hour with jobs: the two ran in one hour, or across an hour's end
    expect(await page.locator('#history-chart rect.bar-ok').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#history-chart rect.bar-ok').count()).toBeLessThanOrEqual(2);
    expect(await page.locator('#history-names tbody tr', { hasText: 'ops.work' }).locator('td').nth(1).textContent()).toBe('2');
  });
});
