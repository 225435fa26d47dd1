import { queueKeys } from '@jobq/queue-core';
import type { Redis } from 'ioredis';
import { deletePrefix } from '@jobq/testing';
import { fixtureRedis, manyJobs, testPrefix, writeJobs } from './fixtures';
import { startDashboard, TestBrowser, type RunningDashboard } from './harness';

const prefix = testPrefix('actions');
const k = queueKeys(prefix, 'high_priority');
let redis: Redis;
let dash: RunningDashboard;
const browser = new TestBrowser();
let token: string;

beforeAll(async () => {
  redis = fixtureRedis();
  await writeJobs(redis, prefix, [
    ...manyJobs('high_priority', 'failed', 12, 1).map((j) => ({ ...j, retries: 3 })),
    ...manyJobs('high_priority', 'waiting', 30, 100),
    ...manyJobs('high_priority', 'delayed', 4, 200),
    ...manyJobs('high_priority', 'succeeded', 7, 300, 'webhook.deliver'),
    ...manyJobs('high_priority', 'active', 1, 400),
  ]);
  dash = await startDashboard(prefix);
  token = await browser.csrfToken(`${dash.url}/queues/high_priority?state=failed`);
});

afterAll(async () => {
  await dash.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const post = (path: string, fields: Record<string, string> = {}) => browser.post(`${dash.url}${path}`, { _csrf: token, ...fields });
const flashAfter = async (res: { status: number; headers: Headers }) => {
  expect(res.status).toBe(303);
  const page = await browser.get(`${dash.origin}${res.headers.get('location')}`);
  return page.body;
};

describe('retry one failed job', () => {
  it('moves it back to waiting with its retries reset and says so', async () => {
    await redis.hset(k.jobs, '1', JSON.stringify({ ...JSON.parse((await redis.hget(k.jobs, '1'))!), options: { ...JSON.parse((await redis.hget(k.jobs, '1'))!).options, retries: 0 } }));
    const body = await flashAfter(await post('/queues/high_priority/jobs/1/retry'));
    expect(body).toContain('Job 1 is waiting to run again.');
    const stored = JSON.parse((await redis.hget(k.jobs, '1'))!);
    expect(stored.status).toBe('created');
    expect(stored.options.retries).toBe(3);
    expect(await redis.sismember(k.failed, '1')).toBe(0);
    expect(await redis.zscore(k.index('failed'), '1')).toBeNull();
    expect(await redis.zscore(k.nameIndex('failed', 'email.send'), '1')).toBeNull();
    expect(await redis.zscore(k.expiry, '1')).toBeNull();
    expect(await redis.hget(k.run('1'), 'state')).toBe('waiting');
    expect(await redis.lindex(k.waiting, 0)).toBe('1');
  });

  it('says so when the job is not failed or does not exist', async () => {
    expect(await flashAfter(await post('/queues/high_priority/jobs/1/retry'))).toContain('is not failed');
    expect(await flashAfter(await post('/queues/high_priority/jobs/9999/retry'))).toContain('was not found');
    expect(await flashAfter(await post('/queues/high_priority/jobs/%3Cx%3E/retry'))).toContain('was not found');
  });
});

describe('retry all failed', () => {
  it('asks for confirmation first when the page script did not', async () => {
    const res = await post('/queues/high_priority/retry-failed');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Please confirm');
    expect(res.body).toContain('name="confirm" value="yes"');
    expect(await redis.scard(k.failed)).toBe(11);
  });

  it('moves every failed job back to waiting', async () => {
    const body = await flashAfter(await post('/queues/high_priority/retry-failed', { confirm: 'yes' }));
    expect(body).toContain('11 failed jobs of high_priority are waiting to run again.');
    expect(await redis.scard(k.failed)).toBe(0);
    expect(await redis.zcard(k.index('failed'))).toBe(0);
    expect(await redis.llen(k.waiting)).toBe(42);
  });
});

describe('remove a job', () => {
  it('deletes it from every structure after confirmation', async () => {
    expect((await post('/queues/high_priority/jobs/300/remove')).body).toContain('Please confirm');
    const body = await flashAfter(await post('/queues/high_priority/jobs/300/remove', { confirm: 'yes' }));
    expect(body).toContain('Job 300 was removed.');
    expect(await redis.hexists(k.jobs, '300')).toBe(0);
    expect(await redis.sismember(k.succeeded, '300')).toBe(0);
    expect(await redis.zscore(k.index('succeeded'), '300')).toBeNull();
    expect(await redis.zscore(k.nameIndex('succeeded', 'webhook.deliver'), '300')).toBeNull();
    expect(await redis.exists(k.run('300'))).toBe(0);
  });

  it('removes a waiting job from its list and refuses a running one', async () => {
    await flashAfter(await post('/queues/high_priority/jobs/105/remove', { confirm: 'yes' }));
    expect(await redis.lpos(k.waiting, '105')).toBeNull();
    expect(await flashAfter(await post('/queues/high_priority/jobs/400/remove', { confirm: 'yes' }))).toContain('is running');
    expect(await redis.hexists(k.jobs, '400')).toBe(1);
  });
});

describe('empty a state', () => {
  it.each([
    ['delayed', 4],
    ['succeeded', 6],
    ['waiting', 41],
  ])('deletes every %s job', async (state, n) => {
    const body = await flashAfter(await post(`/queues/high_priority/states/${state}/empty`, { confirm: 'yes' }));
    expect(body).toContain(`Deleted ${n} ${state} job`);
    const counts = JSON.parse((await browser.get(`${dash.url}/api/overview`)).body).queues.find((q: { queue: string }) => q.queue === 'high_priority');
    expect(counts[state]).toBe(0);
  });

  it('leaves no job data behind', async () => {
    expect(await redis.hlen(k.jobs)).toBe(1);
    expect(await redis.exists(k.nameIndex('succeeded', 'webhook.deliver'))).toBe(0);
    expect(await redis.zcard(k.expiry)).toBe(0);
  });

  it('refuses to empty the active jobs', async () => {
    expect(await flashAfter(await post('/queues/high_priority/states/active/empty', { confirm: 'yes' }))).toContain('cannot be emptied');
    expect(await redis.llen(k.active)).toBe(1);
  });
});

describe('enqueue form', () => {
  it('lists the contracts and renders a form from the JSON Schema', async () => {
    const list = await browser.get(`${dash.url}/enqueue`);
    expect(list.body).toContain('email.send');
    const form = await browser.get(`${dash.url}/enqueue/report.generate`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('<select id="field-reportType" name="reportType">');
    expect(form.body).toContain('type="date" name="from"');
    expect(form.body).toContain('name="rowsPerDay" value="1000"');
    expect((await browser.get(`${dash.url}/enqueue/no.such.job`)).status).toBe(404);
  });

  it('shows each bad field next to it and enqueues nothing', async () => {
    const before = await redis.hlen(k.jobs);
    const res = await post('/enqueue/email.send', { to: 'not-an-email', subject: '', text: 'hi' });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<div class="field has-error">\s*<label for="field-to">/);
    expect(res.body).toContain('must be an email address');
    expect(res.body).toMatch(/field-subject[\s\S]*class="field-error"/);
    expect(res.body).toContain('name="text" rows="4">hi</textarea>');
    expect(await redis.hlen(k.jobs)).toBe(before);
  });

  it('reports JSON that does not parse', async () => {
    const res = await post('/enqueue/webhook.deliver', { url: 'https://example.com/hook', event: 'order.paid', body: '{not json' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('must be valid JSON');
  });

  it('enqueues a valid payload and goes to the new job', async () => {
    const res = await post('/enqueue/email.send', { to: 'a@example.com', subject: 'Hello <b>', text: 'Hi there' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/queues\/high_priority\/jobs\/\d+$/);
    const page = await browser.get(`${dash.origin}${location}`);
    expect(page.body).toContain('Enqueued email.send as job');
    expect(page.body).toContain('Hello &lt;b&gt;');
    expect(page.body).toContain('badge state-waiting');
  });
});
