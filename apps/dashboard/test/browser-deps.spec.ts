/// <reference lib="dom" />
// Job dependencies in a real browser with a real worker: the deferred tab and
// its count, a deferred job's parents and a parent's children on the job pages,
// linked, with their states.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineJob, z } from '@jobq/job-defs';
import { handle, QueueClient, UnrecoverableError, Worker } from '@jobq/queue-core';
import { launchChromium, waitFor } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { dashboardSuite } from './harness';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');

const gated = defineJob({
  name: 'deps.gated',
  queue: 'deps_q',
  description: 'Waits until the test opens its gate',
  payload: z.object({ n: z.number().int() }),
  result: z.object({ n: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 30_000 },
});

const doomed = defineJob({
  name: 'deps.doomed',
  queue: 'deps_q',
  description: 'Fails at once',
  payload: z.object({}),
  result: z.object({}),
  defaults: { retries: 0 },
});

let browser: Browser;
let page: Page;
let client: QueueClient;
let worker: Worker;
let open: () => void = () => undefined;
const gate = new Promise<void>((resolve) => {
  open = resolve;
});

describe('job dependencies in a browser', () => {
  const s = dashboardSuite('deps', []);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    client = await QueueClient.connect(s.dash.config.queue);
    worker = new Worker(s.dash.config.queue, {
      name: 'w-deps',
      concurrency: 2,
      heartbeatMs: 200,
      handlers: [
        handle(gated, async (p, ctx) => {
          if (ctx.parents.length === 0) await gate;
          const parents = await ctx.parentResults(gated);
          return { n: p.n + [...parents.values()].reduce((a, r) => a + r.n, 0) };
        }),
        handle(doomed, () => {
          throw new UnrecoverableError('doomed from the start');
        }),
      ],
    });
    await worker.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30_000);
  afterAll(async () => {
    open();
    await browser?.close();
    await worker?.stopNow();
    await client?.close();
  });

  it('shows the deferred tab with its count, and parents and children linked with their states', async () => {
    const a = await client.enqueue(gated, { n: 1 }, { jobId: 'parent-a' });
    const b = await client.enqueue(gated, { n: 2 }, { jobId: 'parent-b' });
    const child = await client.enqueue(gated, { n: 10 }, { jobId: 'child-c', dependsOn: [a, b] });
    await waitFor(async () => (await a.status()) === 'active' && (await b.status()) === 'active', { what: 'both parents to run' });

    await page.goto(`${s.dash.url}/queues/deps_q`);
    const tab = page.locator('#queue-tabs a.tab.state-deferred');
    expect((await tab.locator('.count').textContent())?.trim()).toBe('1');
    await tab.click();
    await page.locator('table a', { hasText: 'child-c' }).click();
    await page.locator('h1 .badge.state-deferred').waitFor();
    const parents = page.locator('#job-dependencies .dep-parents li');
    expect(await parents.allTextContents()).toEqual(['parent-a active', 'parent-b active']);
    expect(await page.locator('#job-dependencies h3', { hasText: 'Parents' }).textContent()).toContain('waiting for 2 of them to succeed');
    await page.screenshot({ path: path.join(SHOTS, 'deps-child-deferred.png'), fullPage: true });

    await parents.locator('a', { hasText: 'parent-a' }).click();
    await page.locator('h1 .job-id', { hasText: '#parent-a' }).waitFor();
    expect(await page.locator('#job-dependencies .dep-children li').allTextContents()).toEqual(['child-c deferred']);

    open();
    await expect(child.result({ timeoutMs: 10_000 })).resolves.toEqual({ n: 13 });
    await page.locator('#job-dependencies .dep-children a', { hasText: 'child-c' }).click();
    await page.locator('h1 .badge.state-succeeded').waitFor();
    expect(await page.locator('#job-dependencies .dep-parents li').allTextContents()).toEqual(['parent-a succeeded', 'parent-b succeeded']);
    await page.goto(`${s.dash.url}/queues/deps_q`);
    expect((await page.locator('#queue-tabs a.tab.state-deferred .count').textContent())?.trim()).toBe('0');
    // The overview has a deferred column for every queue.
    await page.goto(`${s.dash.url}/`);
    expect(await page.getByRole('columnheader', { name: 'deferred' }).count()).toBe(1);
  }, 30_000);

  it("a child failed by its parent says so on its page, linking the parent", async () => {
    const parent = await client.enqueue(doomed, {}, { jobId: 'doomed-1' });
    const child = await client.enqueue(gated, { n: 1 }, { jobId: 'doomed-child', dependsOn: [parent] });
    await expect(child.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_PARENT_FAILED' });
    await page.goto(`${s.dash.url}/queues/deps_q/jobs/doomed-child`);
    await page.locator('h1 .badge.state-failed').waitFor();
    expect(await page.locator('.error-box .error-code').textContent()).toBe('JOBQ_PARENT_FAILED');
    expect(await page.locator('.error-box .error-message').textContent()).toBe('parent job doomed-1 failed for good');
    await page.locator('#job-dependencies .failed-parent a', { hasText: 'doomed-1' }).click();
    await page.locator('h1 .job-id', { hasText: '#doomed-1' }).waitFor();
    expect(await page.locator('#job-dependencies .dep-children li').allTextContents()).toEqual(['doomed-child failed']);
  });

  it('a job without dependencies has no dependencies section; the JSON twin carries them', async () => {
    const solo = await client.enqueue(gated, { n: 1 }, { jobId: 'solo' });
    await solo.result({ timeoutMs: 5_000 });
    await page.goto(`${s.dash.url}/queues/deps_q/jobs/solo`);
    await page.locator('h1 .badge.state-succeeded').waitFor();
    expect(await page.locator('#job-dependencies').count()).toBe(0);
    const res = await fetch(`${s.dash.url}/api/queues/deps_q/jobs/child-c`);
    const json = (await res.json()) as { dependencies: { parentsTotal: number; parents: { id: string; state: string }[] } };
    expect(json.dependencies).toMatchObject({ parentsTotal: 2, parents: [{ id: 'parent-a', state: 'succeeded' }, { id: 'parent-b', state: 'succeeded' }] });
  });
});
