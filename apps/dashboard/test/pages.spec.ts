import { hourOf, minuteOf, queueKeys, WorkerRegistry } from '@jobq/queue-core';
import type { Redis } from 'ioredis';
import { deletePrefix } from '@jobq/testing';
import { fixtureRedis, manyJobs, testPrefix, writeJobs, type FixtureJob } from './fixtures';
import { startDashboard, TestBrowser, type RunningDashboard } from './harness';

const prefix = testPrefix('pages');
let redis: Redis;
let dash: RunningDashboard;
const http = new TestBrowser();

const named = (jobs: FixtureJob[], every: number, name: string) => jobs.map((j, i) => (i % every === 0 ? { ...j, name } : j));

beforeAll(async () => {
  redis = fixtureRedis();
  await writeJobs(redis, prefix, [
    ...named(manyJobs('high_priority', 'waiting', 45, 1), 3, 'webhook.deliver'),
    ...manyJobs('high_priority', 'active', 3, 60).map((j) => ({ ...j, progress: { percent: 40, message: 'chunk 4 of 10' }, worker: 'w-alpha' })),
    ...manyJobs('high_priority', 'delayed', 5, 70),
    ...manyJobs('high_priority', 'succeeded', 30, 100).map((j) => ({ ...j, result: { messageId: `m-${j.id}` } })),
    ...named(manyJobs('high_priority', 'failed', 25, 200), 2, 'webhook.deliver').map((j) => ({ ...j, error: `receiver said 500 for ${j.id}`, errorCode: 'E_HTTP_500', retries: 2 })),
    { queue: 'low_priority', id: '1', name: 'report.generate', payload: { reportType: 'sales' }, state: 'waiting' },
  ]);
  const now = Date.now();
  await new WorkerRegistry(redis, prefix).write(
    {
      name: 'w-alpha',
      hostname: 'host-1',
      pid: 4242,
      queues: ['high_priority', 'low_priority'],
      concurrency: 4,
      state: 'busy',
      running: [{ queue: 'high_priority', id: '60', name: 'email.send', startedAt: now - 5_000 }],
      processed: 1234,
      failed: 56,
      busyMs: 99_000,
      startedAt: now - 3_600_000,
      lastHeartbeat: now,
    },
    60_000,
  );
  dash = await startDashboard(prefix);
});

afterAll(async () => {
  await dash.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const json = async (path: string) => {
  const res = await http.get(`${dash.url}${path}`);
  return { status: res.status, data: JSON.parse(res.body) };
};

describe('overview', () => {
  it('shows every queue with its counts, the workers and the chart', async () => {
    const res = await http.get(`${dash.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toContain('high_priority');
    expect(res.body).toContain('low_priority');
    expect(res.body).toMatch(/<strong>1<\/strong> worker online/);
    expect(res.body).toContain('<svg');
    expect(res.body).toContain('55 processed');
  });

  it('has a JSON twin with the same counts', async () => {
    const { status, data } = await json('/api/overview');
    expect(status).toBe(200);
    const high = data.queues.find((q: { queue: string }) => q.queue === 'high_priority');
    expect(high).toEqual({ queue: 'high_priority', waiting: 45, active: 3, delayed: 5, succeeded: 30, failed: 25, canceled: 0, deferred: 0 });
    expect(data.workers).toHaveLength(1);
    expect(data.throughput).toHaveLength(60);
  });

  it('answers a live refresh with the page body only', async () => {
    const res = await http.get(`${dash.url}/`, { 'x-live': '1' });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('id="overview-counts"');
  });
});

describe('queue page', () => {
  it.each(['waiting', 'active', 'delayed', 'succeeded', 'failed'])('lists %s jobs newest first, in HTML and JSON', async (state) => {
    const html = await http.get(`${dash.url}/queues/high_priority?state=${state}`);
    expect(html.status).toBe(200);
    expect(html.body).toContain('aria-current="page">' + state);
    const { status, data } = await json(`/api/queues/high_priority?state=${state}`);
    expect(status).toBe(200);
    const ids = data.list.jobs.map((j: { id: string }) => Number(j.id));
    expect(ids.length).toBeGreaterThan(0);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(data.list.total).toBe(data.counts[state]);
  });

  it('paginates by position', async () => {
    const p2 = (await json('/api/queues/high_priority?state=waiting&page=2')).data.list;
    expect(p2.jobs.map((j: { id: string }) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(25 - i)));
    expect(p2.pages).toBe(3);
    const p3 = (await json('/api/queues/high_priority?state=waiting&page=3&size=20')).data.list;
    expect(p3.jobs).toHaveLength(5);
    // A page past the end is clamped to the last one.
    const beyond = (await json('/api/queues/high_priority?state=waiting&page=999999999')).data.list;
    expect(beyond).toMatchObject({ page: 3, pages: 3 });
    expect(beyond.jobs).toHaveLength(5);
    expect((await http.get(`${dash.url}/queues/high_priority?state=waiting&page=999999999`)).body).toContain('Page 3 of 3');
    const html = await http.get(`${dash.url}/queues/high_priority?state=succeeded&page=2&size=10`);
    expect(html.body).toContain('Page 2 of 3');
    expect(html.body).toContain('rel="next"');
  });

  it('filters finished jobs by name through the name index', async () => {
    const { data } = await json('/api/queues/high_priority?state=failed&name=webhook.deliver');
    expect(data.list.total).toBe(13);
    expect(data.list.jobs.every((j: { name: string }) => j.name === 'webhook.deliver')).toBe(true);
    expect(data.list.nameScan).toBeNull();
  });

  it('filters waiting jobs by name with a bounded scan', async () => {
    const { data } = await json('/api/queues/high_priority?state=waiting&name=webhook.deliver&size=5');
    expect(data.list.total).toBe(15);
    expect(data.list.jobs).toHaveLength(5);
    expect(data.list.nameScan).toEqual({ scanned: 45, limit: 2000, complete: true });
  });

  it.each([
    ['page=0', 400],
    ['page=abc', 400],
    ['size=500', 400],
    ['state=exploded', 400],
    ['name=%3Cscript%3E', 400],
    ['page=1&page=2', 400],
  ])('answers %s with %d', async (query, status) => {
    expect((await http.get(`${dash.url}/queues/high_priority?${query}`)).status).toBe(status);
    expect((await http.get(`${dash.url}/api/queues/high_priority?${query}`)).status).toBe(status);
  });

  it('answers 404 for an unknown queue and 400 for a bad queue name', async () => {
    expect((await http.get(`${dash.url}/queues/no_such_queue`)).status).toBe(404);
    expect((await http.get(`${dash.url}/queues/${encodeURIComponent('<x>')}`)).status).toBe(400);
    expect((await http.get(`${dash.url}/api/queues/no_such_queue`)).status).toBe(404);
  });
});

describe('job page', () => {
  it('shows payload, error with stack, attempts, retries, times and worker of a failed job', async () => {
    const res = await http.get(`${dash.url}/queues/high_priority/jobs/200`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('receiver said 500 for 200');
    expect(res.body).toContain('E_HTTP_500');
    expect(res.body).toContain('at handler (job.ts:1:1)');
    expect(res.body).toContain('user200@example.com');
    expect(res.body).toContain('2 configured · 0 used · 2 left');
    // The real state, not bee-queue's status field.
    expect(res.body).toContain('<dt>Status</dt><dd><span class="badge state-failed">failed</span>');
    expect(res.body).toContain('href="/workers#worker-w1"');
    expect(res.body).toContain('>Retry</button>');
  });

  it('shows the result of a succeeded job and the progress of an active one', async () => {
    expect((await http.get(`${dash.url}/queues/high_priority/jobs/100`)).body).toContain('m-100');
    const active = await http.get(`${dash.url}/queues/high_priority/jobs/60`);
    expect(active.body).toContain('chunk 4 of 10');
    expect(active.body).toContain('<progress max="100" value="40">');
    expect(active.body).not.toContain('>Remove</button>');
  });

  it('shows the job log lines, escaped and bounded, with the JSON twin bounded too', async () => {
    const key = queueKeys(prefix, 'high_priority').log('101');
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    await redis.rpush(key, `${at} fetched <script>alert(1)</script> page`, `${at + 1} ${'y'.repeat(5 * 1024 * 1024)}`, 'no timestamp here');
    await redis.rpush(key, ...Array.from({ length: 300 }, (_, i) => `${at + 2 + i} bulk ${i}`));
    const res = await http.get(`${dash.url}/queues/high_priority/jobs/101`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<section id="job-log"');
    expect(res.body).not.toContain('<script>alert(1)');
    // The newest 200 of 303 stored lines, each line cut where shown.
    expect(res.body).toContain('showing the newest 200 of 303 lines');
    expect(res.body).toContain('bulk 299');
    expect(res.body).not.toContain('bulk 99<');
    expect(res.body.length).toBeLessThan(600 * 1024);
    const { data } = await json('/api/queues/high_priority/jobs/101');
    expect(data.log.total).toBe(303);
    expect(data.log.lines).toHaveLength(200);
    expect(data.log.lines[199]).toMatchObject({ at: at + 301, text: { text: 'bulk 299', truncated: false } });

    await redis.del(key);
    await redis.rpush(key, `${at} fetched <script>alert(1)</script> page`, `${at + 1} ${'y'.repeat(5 * 1024 * 1024)}`, 'no timestamp here');
    const small = await http.get(`${dash.url}/queues/high_priority/jobs/101`);
    expect(small.body).toContain('fetched &lt;script&gt;alert(1)&lt;/script&gt; page');
    expect(small.body).toContain('no timestamp here');
    expect(small.body).toMatch(/truncated, 5(\.\d)? MB more/);
    expect(small.body.length).toBeLessThan(100 * 1024);
    const twin = await json('/api/queues/high_priority/jobs/101');
    expect(twin.data.log.lines[1].text).toMatchObject({ truncated: true });
    expect(twin.data.log.lines[1].text.text.length).toBeLessThanOrEqual(2 * 1024);
    expect(twin.data.log.lines[2]).toMatchObject({ at: null, text: { text: 'no timestamp here' } });
    await redis.del(key);
    expect((await http.get(`${dash.url}/queues/high_priority/jobs/101`)).body).toContain('No log lines.');
  });

  it('has a JSON twin', async () => {
    const { status, data } = await json('/api/queues/high_priority/jobs/100');
    expect(status).toBe(200);
    expect(data).toMatchObject({ id: '100', queue: 'high_priority', state: 'succeeded', name: 'email.send', result: { truncated: false } });
    expect(JSON.parse(data.result.text)).toEqual({ messageId: 'm-100' });
  });

  it('answers 404 for a missing job (whatever its id) and 400 for an absurdly long id', async () => {
    expect((await http.get(`${dash.url}/queues/high_priority/jobs/999999`)).status).toBe(404);
    expect((await http.get(`${dash.url}/api/queues/high_priority/jobs/999999`)).status).toBe(404);
    expect((await http.get(`${dash.url}/queues/high_priority/jobs/${encodeURIComponent('"><img>')}`)).status).toBe(404);
    expect((await http.get(`${dash.url}/queues/high_priority/jobs/${'9'.repeat(1_001)}`)).status).toBe(400);
  });
});

describe('history page', () => {
  beforeAll(async () => {
    // What the finish script writes (queue-core's worker.spec checks that against a real worker).
    const k = queueKeys(prefix, 'high_priority');
    const now = Date.now();
    const hour = hourOf(now);
    await redis.hset(k.throughput(minuteOf(now) - 90), 'processed', '7', 'failed', '2');
    await redis.hset(k.throughputHour(hour), 'p', '12', 'f', '2', 'names', '2', 'c:email.send', '10', 'x:email.send', '2', 's:email.send', '400', 'd5:email.send', '10');
    await redis.hset(k.throughputHour(hour), 'c:<b>evil</b>', '2', 's:<b>evil</b>', '4000', 'd10:<b>evil</b>', '2');
    await redis.hset(k.throughputHour(hour - 24 * 10), 'p', '5', 'c:email.send', '5', 'd9:email.send', '5', 's:email.send', '4000');
    for (const key of [k.throughput(minuteOf(now) - 90), k.throughputHour(hour), k.throughputHour(hour - 240)]) await redis.expire(key, 3_600);
  });

  it('shows 24 hours by minute with a per-name table (count, failed, p50/p95/p99), escaped', async () => {
    const res = await http.get(`${dash.url}/queues/high_priority/history`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('24 hours by minute');
    expect(res.body).toContain('7 processed');
    // a bar per minute with jobs (empty minutes draw none): the one above, and the
    // current minute's when this file's earlier tests ran jobs in it
    const bars = res.body.match(/<g><title>[^<]*<\/title><rect class="bar-ok"/g) ?? [];
    expect(bars).toContainEqual(expect.stringContaining('7 processed, 2 failed'));
    expect(bars.length).toBeLessThanOrEqual(3);
    expect(res.body).toContain('&lt;b&gt;evil&lt;/b&gt;');
    expect(res.body).not.toContain('<b>evil</b>');
    // email.send: 10 in the (20, 50] ms bucket: p50 35 ms.
    expect(res.body).toMatch(/email\.send<\/span><\/td><td class="num">10<\/td><td class="num">2 <span class="muted">\(20\.0%\)<\/span><\/td><td class="num">40 ms<\/td><td class="num">35 ms<\/td><td class="num">49 ms<\/td><td class="num">50 ms<\/td>/);
    expect((await http.get(`${dash.url}/queues/high_priority`)).body).toContain('href="/queues/high_priority/history"');
  });

  it('shows 30 days by hour, and has a JSON twin', async () => {
    const res = await http.get(`${dash.url}/queues/high_priority/history?range=month`);
    expect(res.status).toBe(200);
    // two bars: the two hours with jobs
    expect(res.body.match(/<title>[^<]*<\/title><rect class="bar-ok"/g)).toEqual([expect.stringContaining('5 processed'), expect.stringContaining('12 processed, 2 failed')]);
    expect(res.body).toContain('17 processed');
    const { data } = await json('/api/queues/high_priority/history?range=month');
    expect(data).toMatchObject({ queue: 'high_priority', range: 'month', resolution: 'hour' });
    expect(data.points).toHaveLength(720);
    expect(data.names[0]).toMatchObject({ name: 'email.send', processed: 15, failed: 2 });
  });

  it('exposes per-name counts and duration percentiles of the last 24 hours on /metrics', async () => {
    const body = (await http.get(`${dash.origin}/metrics`)).body;
    expect(body).toContain('jobq_job_processed_last_day{queue="high_priority",name="email.send"} 10');
    expect(body).toContain('jobq_job_failed_last_day{queue="high_priority",name="email.send"} 2');
    expect(body).toContain('jobq_job_duration_seconds_last_day{queue="high_priority",name="email.send",quantile="0.5"} 0.035');
    expect(body).toContain('jobq_job_processed_last_day{queue="high_priority",name="<b>evil</b>"} 2');
  });

  it('answers 400 for a bad range and 404 for an unknown queue', async () => {
    expect((await http.get(`${dash.url}/queues/high_priority/history?range=year`)).status).toBe(400);
    expect((await http.get(`${dash.url}/queues/nope/history`)).status).toBe(404);
  });
});

describe('workers page', () => {
  it('lists each worker with host, pid, queues, state, current job and counts', async () => {
    const res = await http.get(`${dash.url}/workers`);
    expect(res.status).toBe(200);
    for (const text of ['w-alpha', 'host-1', '4242', 'high_priority, low_priority', 'busy', '1,234', '56', '1 h']) expect(res.body).toContain(text);
    expect(res.body).toContain('href="/queues/high_priority/jobs/60"');
    const { data } = await json('/api/workers');
    expect(data.workers[0]).toMatchObject({ name: 'w-alpha', pid: 4242 });
  });
});

describe('find by id', () => {
  it('goes straight to a job found on one queue', async () => {
    const res = await http.get(`${dash.url}/search?id=200`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/queues/high_priority/jobs/200');
  });

  it('lists every queue when the id is on several', async () => {
    const res = await http.get(`${dash.url}/search?id=1`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('/queues/high_priority/jobs/1');
    expect(res.body).toContain('/queues/low_priority/jobs/1');
    const { data } = await json('/api/search?id=1');
    expect(data.matches).toHaveLength(2);
  });

  it('answers "not found" for an unknown id or free text, and 400 for an empty search', async () => {
    expect((await http.get(`${dash.url}/search?id=424242`)).status).toBe(404);
    const text = await http.get(`${dash.url}/search?id=${encodeURIComponent('where is my <script> email')}`);
    expect(text.status).toBe(404);
    expect(text.body).toContain('No job with id');
    expect((await http.get(`${dash.url}/search`)).status).toBe(400);
  });
});

describe('not found', () => {
  it('answers 404 pages and JSON for unknown paths', async () => {
    const res = await http.get(`${dash.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.body).toContain('Error 404');
    expect((await http.get(`${dash.url}/api/nope`)).status).toBe(404);
  });
});
