// Pause/resume, cancel and rate-limit actions over HTTP: confirmation, refusals as
// messages (never a crash), bad input as 400, CSRF and read-only rules.
import { defineJob, z } from '@jobq/job-defs';
import { QueueClient, queueKeys } from '@jobq/queue-core';
import { manyJobs } from './fixtures';
import { dashboardSuite, TestBrowser } from './harness';

const JOBS = [
  ...manyJobs('high_priority', 'waiting', 2, 1),
  ...manyJobs('high_priority', 'delayed', 1, 10),
  ...manyJobs('high_priority', 'active', 1, 20),
  ...manyJobs('high_priority', 'succeeded', 1, 30),
];

/** A job of the fixture's queue, for the deferred-job case (enqueued through the real client). */
const step = defineJob({
  name: 'flow.step',
  queue: 'high_priority',
  description: 'A step of a chain',
  payload: z.object({}),
  result: z.object({}),
});

describe('flow actions', () => {
  const s = dashboardSuite('flow-actions', JOBS);
  const browser = new TestBrowser();
  let token: string;
  const k = () => queueKeys(s.prefix, 'high_priority');
  beforeAll(async () => {
    token = await browser.csrfToken(`${s.dash.url}/queues/high_priority`);
  });
  const post = (path: string, fields: Record<string, string> = {}) => browser.post(`${s.dash.url}${path}`, { _csrf: token, ...fields });
  const flashAfter = async (res: { status: number; headers: Headers }) => {
    expect(res.status).toBe(303);
    return (await browser.get(`${s.dash.origin}${res.headers.get('location')}`)).body;
  };

  it('asks before pausing and before canceling; resume and rate limits need no confirmation', async () => {
    for (const path of ['/queues/high_priority/pause', '/queues/high_priority/jobs/1/cancel']) {
      const res = await post(path);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Please confirm');
    }
    expect(await s.redis.hget(k().flow, 'paused')).toBeNull();
    expect(await s.redis.lpos(k().waiting, '1')).not.toBeNull();
  });

  it('pauses and resumes, saying when nothing changed', async () => {
    expect(await flashAfter(await post('/queues/high_priority/pause', { confirm: 'yes' }))).toContain('Queue high_priority is paused');
    expect(await s.redis.hget(k().flow, 'paused')).toBe('1');
    const page = (await browser.get(`${s.dash.url}/queues/high_priority`)).body;
    expect(page).toContain('badge badge-paused');
    expect(JSON.parse((await browser.get(`${s.dash.url}/api/queues/high_priority`)).body).flow).toEqual({ queue: 'high_priority', paused: true, rateLimit: null });
    expect((await browser.get(`${s.dash.origin}/metrics`)).body).toContain('jobq_queue_paused{queue="high_priority"} 1');
    expect(await flashAfter(await post('/queues/high_priority/pause', { confirm: 'yes' }))).toContain('was already paused');
    expect(await flashAfter(await post('/queues/high_priority/resume'))).toContain('is running again');
    expect(await flashAfter(await post('/queues/high_priority/resume'))).toContain('was not paused');
    expect(await s.redis.hget(k().flow, 'paused')).toBeNull();
  });

  it('cancels waiting and running jobs; a finished or unknown job is refused with a message', async () => {
    expect(await flashAfter(await post('/queues/high_priority/jobs/1/cancel', { confirm: 'yes' }))).toContain('Job 1 was canceled (it was waiting).');
    expect(await s.redis.zscore(k().index('canceled'), '1')).not.toBeNull();
    // The fixture's worker w1 is not registered: the job is marked and ends canceled when it finishes.
    expect(await flashAfter(await post('/queues/high_priority/jobs/20/cancel', { confirm: 'yes' }))).toContain('it ends canceled when it finishes');
    expect(await s.redis.hexists(k().run('20'), 'cancelRequested')).toBe(1);
    expect((await browser.get(`${s.dash.url}/queues/high_priority/jobs/20`)).body).toContain('Cancel requested');
    expect(JSON.parse((await browser.get(`${s.dash.url}/api/queues/high_priority/jobs/20`)).body).cancelRequestedAt).toEqual(expect.any(Number));
    const finished = await flashAfter(await post('/queues/high_priority/jobs/30/cancel', { confirm: 'yes' }));
    expect(finished).toContain('flash-error');
    expect(finished).toContain('already succeeded, so it cannot be canceled');
    expect(await flashAfter(await post('/queues/high_priority/jobs/1/cancel', { confirm: 'yes' }))).toContain('already was canceled');
    expect(await flashAfter(await post('/queues/high_priority/jobs/999/cancel', { confirm: 'yes' }))).toContain('was not found');
    expect((await browser.get(`${s.dash.origin}/metrics`)).body).toContain('jobq_jobs{queue="high_priority",state="canceled"} 1');
    const tab = (await browser.get(`${s.dash.url}/queues/high_priority?state=canceled`)).body;
    expect(tab).toMatch(/state-canceled"[^>]*aria-current="page">canceled <span class="count">1</);
  });

  it('sets and clears a rate limit; a bad one is a 400 that changes nothing', async () => {
    expect(await flashAfter(await post('/queues/high_priority/rate-limit', { max: '50', intervalMs: '1000' }))).toContain('starts at most 50 jobs per 1,000 ms');
    expect(await s.redis.hmget(k().flow, 'limitMax', 'limitMs')).toEqual(['50', '1000']);
    expect((await browser.get(`${s.dash.origin}/metrics`)).body).toContain('jobq_queue_rate_limit_per_second{queue="high_priority"} 50');
    const bads: Record<string, string>[] = [{ max: '0', intervalMs: '1000' }, { max: '5', intervalMs: 'soon' }, { max: '5' }, {}];
    for (const bad of bads) {
      const res = await post('/queues/high_priority/rate-limit', bad);
      expect(res.status).toBe(400);
    }
    expect(await s.redis.hmget(k().flow, 'limitMax', 'limitMs')).toEqual(['50', '1000']);
    expect(await flashAfter(await post('/queues/high_priority/rate-limit', { clear: 'yes' }))).toContain('has no rate limit now');
    expect(await s.redis.hmget(k().flow, 'limitMax', 'limitMs')).toEqual([null, null]);
  });

  it('refuses every flow action without a valid CSRF token', async () => {
    const attacker = new TestBrowser();
    for (const path of ['/queues/high_priority/pause', '/queues/high_priority/resume', '/queues/high_priority/jobs/2/cancel', '/queues/high_priority/rate-limit']) {
      expect((await attacker.post(`${s.dash.url}${path}`, { _csrf: 'forged', confirm: 'yes', max: '1', intervalMs: '1' })).status).toBe(403);
    }
    expect(await s.redis.hget(k().flow, 'paused')).toBeNull();
    expect(await s.redis.lpos(k().waiting, '2')).not.toBeNull();
  });

  it('cancels a deferred job from its page', async () => {
    const client = await QueueClient.connect(s.dash.config.queue);
    try {
      const parent = await client.enqueue(step, {}, { jobId: 'dp', delayMs: 600_000 });
      await client.enqueue(step, {}, { jobId: 'dc', dependsOn: [parent] });
      const page = (await browser.get(`${s.dash.url}/queues/high_priority/jobs/dc`)).body;
      expect(page).toContain('/queues/high_priority/jobs/dc/cancel');
      expect(await flashAfter(await post('/queues/high_priority/jobs/dc/cancel', { confirm: 'yes' }))).toContain('Job dc was canceled (it was deferred).');
      expect(await s.redis.zscore(k().deferred, 'dc')).toBeNull();
      expect(await s.redis.zscore(k().index('canceled'), 'dc')).not.toBeNull();
    } finally {
      await client.close();
    }
  });
});

describe('flow actions in read-only mode', () => {
  const s = dashboardSuite('flow-ro', JOBS, { DASHBOARD_READ_ONLY: 'true' });
  const http = new TestBrowser();

  it('shows no flow controls and refuses every flow action with 405', async () => {
    const page = (await http.get(`${s.dash.url}/queues/high_priority`)).body;
    expect(page).not.toContain('method="post"');
    expect(page).toContain('Rate limit:');
    for (const path of ['/queues/high_priority/pause', '/queues/high_priority/resume', '/queues/high_priority/jobs/1/cancel', '/queues/high_priority/rate-limit']) {
      const res = await http.post(`${s.dash.url}${path}`, { confirm: 'yes', max: '1', intervalMs: '1' });
      expect(res.status).toBe(405);
    }
    expect(await s.redis.hgetall(queueKeys(s.prefix, 'high_priority').flow)).toEqual({});
    expect(await s.redis.lpos(queueKeys(s.prefix, 'high_priority').waiting, '1')).not.toBeNull();
  });
});
