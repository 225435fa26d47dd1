/// <reference lib="dom" />
// The schedules page: list, pause / resume / trigger / remove with the same CSRF,
// confirmation and read-only rules as the other actions, over HTTP and in a real
// browser with a real worker.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineJob, defineSchedule, z } from '@jobq/job-defs';
import { handle, QueueClient, queueKeys, Worker } from '@jobq/queue-core';
import { waitFor } from '@jobq/testing';
import type { Browser, Page } from 'playwright-core';
import { dashboardSuite, openConfirmingPage, startDashboard, TestBrowser, type RunningDashboard } from './harness';

const SHOTS = path.join(__dirname, '..', 'test-output', 'screenshots');

const tick = defineJob({
  name: 'sched.tick',
  queue: 'sched_q',
  description: 'Counts',
  payload: z.object({ n: z.number().int() }),
  result: z.object({ n: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 5_000 },
});

describe('schedules page over HTTP', () => {
  const s = dashboardSuite('sched-http', []);
  let client: QueueClient;
  let readOnly: RunningDashboard;
  const http = new TestBrowser();
  beforeAll(async () => {
    client = await QueueClient.connect(s.dash.config.queue);
    await client.schedules.upsert(defineSchedule(tick, { name: 'nightly', cron: '0 2 * * *', tz: 'Asia/Tokyo', payload: { n: 1 }, description: 'Night <b>work</b>' }));
    await client.schedules.upsert(defineSchedule(tick, { name: 'often', every: 60_000, limit: 5, payload: { n: 2 } }));
    readOnly = await startDashboard(s.prefix, { DASHBOARD_READ_ONLY: 'true' });
  });
  afterAll(async () => {
    await readOnly?.close();
    await client?.close();
  });

  it('lists every schedule with its timing, state and next run, escaped, and a JSON twin', async () => {
    const page = await http.get(`${s.dash.url}/schedules`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="/schedules" aria-current="page">Schedules</a>');
    expect(page.body).toContain('<code>0 2 * * * (Asia/Tokyo)</code>');
    expect(page.body).toContain('<code>every 1 min</code>');
    expect(page.body).toContain('0 of 5');
    expect(page.body).toContain('title="Night &lt;b&gt;work&lt;/b&gt;"');
    expect(page.body).toMatch(/<a href="\/queues\/sched_q\/jobs\/sched%3Anightly%3A\d+">/);
    const api = JSON.parse((await http.get(`${s.dash.url}/api/schedules`)).body);
    expect(api.schedules.map((x: { name: string; state: string }) => [x.name, x.state])).toEqual([
      ['nightly', 'active'],
      ['often', 'active'],
    ]);
  });

  it('refuses actions without the CSRF token, asks before pause and remove, and does them', async () => {
    const url = (name: string, action: string) => `${s.dash.url}/schedules/sched_q/${name}/${action}`;
    expect((await new TestBrowser().post(url('often', 'pause'), {})).status).toBe(403);
    const token = await http.csrfToken(`${s.dash.url}/schedules`);
    const ask = await http.post(url('often', 'pause'), { _csrf: token });
    expect(ask.status).toBe(200);
    expect(ask.body).toContain('Pause schedule sched_q/often?');
    expect((await client.schedules.get('often')).state).toBe('active');

    const paused = await http.post(url('often', 'pause'), { _csrf: token, confirm: 'yes' });
    expect(paused.status).toBe(303);
    expect((await http.get(`${s.dash.origin}${paused.headers.get('location')}`)).body).toContain('Schedule sched_q/often is paused.');
    expect((await client.schedules.get('often')).state).toBe('paused');
    expect((await http.post(url('often', 'resume'), { _csrf: token })).status).toBe(303);
    expect((await client.schedules.get('often')).state).toBe('active');

    const trig = await http.post(url('often', 'trigger'), { _csrf: token });
    expect((await http.get(`${s.dash.origin}${trig.headers.get('location')}`)).body).toMatch(/Schedule sched_q\/often triggered: job sched:often:manual:\d+ is waiting to run\./);
    expect(await s.redis.llen(queueKeys(s.prefix, 'sched_q').waiting)).toBe(1);

    expect((await http.post(url('often', 'remove'), { _csrf: token })).body).toContain('Remove schedule sched_q/often?');
    expect((await http.post(url('often', 'remove'), { _csrf: token, confirm: 'yes' })).status).toBe(303);
    expect((await client.schedules.list()).map((x) => x.name)).toEqual(['nightly']);
    const gone = await http.post(url('often', 'trigger'), { _csrf: token });
    expect((await http.get(`${s.dash.origin}${gone.headers.get('location')}`)).body).toContain('Schedule &quot;often&quot; was not found on queue &quot;sched_q&quot;.');
    expect((await http.post(`${s.dash.url}/schedules/sched_q/nightly/explode`, { _csrf: token })).status).toBe(400);
  });

  it('read-only: no action buttons, and every action answers 405', async () => {
    const page = await http.get(`${readOnly.url}/schedules`);
    expect(page.body).toContain('nightly');
    expect(page.body).not.toContain('method="post"');
    expect(page.body).not.toMatch(/>(Pause|Resume|Trigger|Remove)</);
    for (const action of ['pause', 'resume', 'trigger', 'remove']) {
      expect((await new TestBrowser().post(`${readOnly.url}/schedules/sched_q/nightly/${action}`, { confirm: 'yes' })).status).toBe(405);
    }
    expect((await client.schedules.get('nightly')).state).toBe('active');
  });
});

describe('schedules page in a browser', () => {
  const s = dashboardSuite('sched-browser', []);
  let browser: Browser;
  let page: Page;
  let client: QueueClient;
  let worker: Worker;
  const ran: string[] = [];
  const flash = (text: string | RegExp) => page.locator('.flash-ok', { hasText: text }).waitFor();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    client = await QueueClient.connect(s.dash.config.queue);
    worker = new Worker(s.dash.config.queue, {
      name: 'w-sched',
      heartbeatMs: 200,
      handlers: [
        handle(tick, (p, ctx) => {
          ran.push(ctx.id);
          return { n: p.n };
        }),
      ],
    });
    await worker.start();
    await client.schedules.upsert(defineSchedule(tick, { name: 'report', cron: '0 2 * * *', tz: 'Europe/Berlin', payload: { n: 3 } }));
    ({ browser, page } = await openConfirmingPage(800));
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stopNow();
    await client?.close();
  });

  it('triggers, pauses, resumes and removes a schedule from the page; the last run links to its job', async () => {
    await page.goto(`${s.dash.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
    const row = page.locator('tr#schedule-sched_q-report');
    await row.locator('.badge.schedule-active').waitFor();
    expect(await row.locator('td.timing').textContent()).toContain('0 2 * * * (Europe/Berlin)');

    await row.getByRole('button', { name: 'Trigger' }).click();
    await flash(/Schedule sched_q\/report triggered/);
    await waitFor(() => ran.length === 1, { what: 'the triggered run' });
    await page.reload();
    const last = row.locator('td.last a');
    expect(await last.textContent()).toBe(ran[0]);
    await page.screenshot({ path: path.join(SHOTS, 'schedules.png'), fullPage: true });
    await last.click();
    await page.waitForURL(/\/queues\/sched_q\/jobs\/sched%3Areport%3Amanual%3A\d+$/);
    await page.goBack();

    await row.getByRole('button', { name: 'Pause' }).click();
    await flash('Schedule sched_q/report is paused.');
    await row.locator('.badge.schedule-paused').waitFor();
    expect(await row.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Resume' }).click();
    await flash('Schedule sched_q/report is running again.');
    await row.locator('.badge.schedule-active').waitFor();

    await row.getByRole('button', { name: 'Remove' }).click();
    await flash('Schedule sched_q/report was removed.');
    expect(await page.locator('p.empty').textContent()).toContain('No schedules.');
    expect(await client.schedules.list()).toEqual([]);
  });
});
