/// <reference lib="dom" />
// Flow control (issue 10) end to end in a real browser with a real worker: pause
// and resume a queue, cancel a delayed and a running job, set and clear a rate limit.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineJob, z } from '@jobq/job-defs';
import { handle, JobCanceledError, QueueClient, Worker } from '@jobq/queue-core';
import { waitFor } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { dashboardSuite, openConfirmingPage } from './harness';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');

const flowWork = defineJob({
  name: 'flow.work',
  queue: 'flow_q',
  description: 'Waits (honouring its signal), returns',
  payload: z.object({ ms: z.number().int().min(0) }),
  result: z.object({ ms: z.number().int() }),
  defaults: { retries: 2, timeoutMs: 60_000 },
});

let browser: Browser;
let page: Page;
let client: QueueClient;
let worker: Worker;

describe('pause, resume, cancel and rate limit in a browser', () => {
  const s = dashboardSuite('flow', []);
  const flash = (text: string | RegExp) => page.locator('.flash-ok', { hasText: text }).waitFor();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    client = await QueueClient.connect(s.dash.config.queue);
    worker = new Worker(s.dash.config.queue, {
      name: 'w-flow',
      concurrency: 2,
      heartbeatMs: 200,
      safetyPollMs: 60_000,
      handlers: [
        handle(flowWork, async (p, ctx) => {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, p.ms);
            ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.signal.reason as Error)));
          });
          return { ms: p.ms };
        }),
      ],
    });
    await worker.start();
    // The queue exists once a job was enqueued.
    await (await client.enqueue(flowWork, { ms: 0 })).result({ timeoutMs: 5_000 });
    ({ browser, page } = await openConfirmingPage());
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stopNow();
    await client?.close();
  });

  it('pauses a queue (jobs wait, the badge says paused) and resumes it (they run at once)', async () => {
    await page.goto(`${s.dash.url}/queues/flow_q`);
    await page.locator('#queue-flow').getByRole('button', { name: 'Pause' }).click();
    await flash('Queue flow_q is paused');
    await page.locator('#queue-flow .badge-paused').waitFor();
    const job = await client.enqueue(flowWork, { ms: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await job.status()).toBe('waiting');
    await page.goto(`${s.dash.url}/`);
    await page.locator('table.counts tr', { hasText: 'flow_q' }).locator('.badge-paused').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'flow-paused-overview.png'), fullPage: true });
    await page.goto(`${s.dash.url}/queues/flow_q`);
    await page.screenshot({ path: path.join(SHOTS, 'flow-paused.png'), fullPage: true });
    await page.locator('#queue-flow').getByRole('button', { name: 'Resume' }).click();
    await flash('Queue flow_q is running again.');
    await expect(job.result({ timeoutMs: 5_000 })).resolves.toEqual({ ms: 0 });
    expect(await page.locator('#queue-flow .badge-paused').count()).toBe(0);
    expect(await page.locator('#queue-flow').getByRole('button', { name: 'Pause' }).count()).toBe(1);
  });

  it('cancels a delayed job from the list and a running job from its page; the canceled tab counts them', async () => {
    const delayed = await client.enqueue(flowWork, { ms: 0 }, { delayMs: 60_000 });
    await page.goto(`${s.dash.url}/queues/flow_q?state=delayed`);
    const row = page.locator('table.jobs tr', { has: page.locator(`a:text-is("${delayed.id}")`) });
    await row.getByRole('button', { name: 'Cancel' }).click();
    await flash(`Job ${delayed.id} was canceled (it was delayed).`);
    expect(await delayed.status()).toBe('canceled');

    const running = await client.enqueue(flowWork, { ms: 30_000 });
    await waitFor(async () => (await running.status()) === 'active', { what: 'the job to run' });
    await page.goto(`${s.dash.url}/queues/flow_q/jobs/${running.id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await flash(`worker w-flow was told to stop it`);
    await expect(running.result({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(JobCanceledError);
    await page.goto(`${s.dash.url}/queues/flow_q/jobs/${running.id}`);
    await page.locator('h1 .badge.state-canceled').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);

    await page.goto(`${s.dash.url}/queues/flow_q?state=canceled`);
    expect(await page.locator('.tab.state-canceled .count').textContent()).toBe('2');
    expect(await page.locator('table.jobs td.id').allTextContents()).toEqual(expect.arrayContaining([delayed.id, running.id]));
    await page.screenshot({ path: path.join(SHOTS, 'flow-canceled.png'), fullPage: true });
    // Not retried: it ran once.
    expect(await s.redis.hget(`${s.prefix}:flow_q:x:run:${running.id}`, 'attempts')).toBe('1');
  });

  it('sets, shows and clears a rate limit', async () => {
    await page.goto(`${s.dash.url}/queues/flow_q`);
    const form = page.locator('form.rate-limit-form');
    await form.getByLabel('Job starts per window').fill('5');
    await form.getByLabel('Window in milliseconds').fill('1000');
    await form.getByRole('button', { name: 'Set limit' }).click();
    await flash('Queue flow_q starts at most 5 jobs per 1,000 ms.');
    expect(await page.locator('#queue-flow .rate-limit').textContent()).toBe('5 per 1 s');
    await page.goto(`${s.dash.url}/`);
    expect(await page.locator('table.counts tr', { hasText: 'flow_q' }).locator('.badge-limit').textContent()).toMatch(/^5 per/);
    await page.goto(`${s.dash.url}/queues/flow_q`);
    await page.getByRole('button', { name: 'Clear limit' }).click();
    await flash('Queue flow_q has no rate limit now.');
    expect(await page.locator('#queue-flow .rate-limit').textContent()).toBe('none');
  });
});
