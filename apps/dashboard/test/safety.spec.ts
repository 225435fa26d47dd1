import { dashboardSuite, TestBrowser } from './harness';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const FIVE_MB = 'A'.repeat(5 * 1024 * 1024);

describe('hostile data', () => {
  const http = new TestBrowser();
  const s = dashboardSuite(
    'hostile',
    [
      { queue: 'high_priority', id: '1', name: 'email.send', payload: { subject: SCRIPT, text: IMG }, state: 'failed', error: SCRIPT, errorCode: IMG, stack: `Error: ${IMG}\n at ${SCRIPT}` },
      { queue: 'high_priority', id: '2', name: 'email.send', payload: { text: FIVE_MB, tail: SCRIPT }, state: 'failed', error: FIVE_MB },
      { queue: 'high_priority', id: '3', name: 'email.send', payload: { text: FIVE_MB }, state: 'waiting', createdAt: 1_700_000_000_000 },
      { queue: 'high_priority', id: '4', name: 'email.send', payload: { note: SCRIPT }, state: 'succeeded', result: { html: IMG } },
      { queue: 'high_priority', id: '6', name: 'email.send', payload: { n: 1 }, state: 'failed', error: `${SCRIPT}${'E'.repeat(10_000)}` },
    ],
    {},
    async (redis, prefix) => {
      // A job name and a queue name nobody's contract would allow, written straight to Redis.
      const k = `${prefix}:high_priority:`;
      await redis.hset(`${k}jobs`, '5', JSON.stringify({ data: { name: SCRIPT, payload: IMG }, options: { timestamp: 1, retries: 0, stacktraces: [] }, status: 'created', progress: 0 }));
      await redis.lpush(`${k}waiting`, '5');
      await redis.sadd(`${prefix}:x:queues`, IMG);
    },
  );

  const assertEscaped = (body: string) => {
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('onerror=alert(1)>');
  };

  it('escapes payloads, errors, codes, stacks and results on the job page', async () => {
    for (const id of ['1', '4']) {
      const res = await http.get(`${s.dash.url}/queues/high_priority/jobs/${id}`);
      expect(res.status).toBe(200);
      assertEscaped(res.body);
    }
    const failed = await http.get(`${s.dash.url}/queues/high_priority/jobs/1`);
    expect(failed.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(failed.body).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('escapes lists, hostile job names and hostile queue names', async () => {
    for (const path of ['/', '/queues/high_priority?state=failed', '/queues/high_priority?state=waiting', '/queues/high_priority?state=succeeded', '/queues/high_priority/jobs/5']) {
      const res = await http.get(`${s.dash.url}${path}`);
      expect(res.status).toBe(200);
      assertEscaped(res.body);
    }
    expect((await http.get(`${s.dash.url}/`)).body).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('cuts 5 MB payloads and errors short in lists, server-side', async () => {
    const failed = await http.get(`${s.dash.url}/queues/high_priority?state=failed`);
    expect(failed.body.length).toBeLessThan(40_000);
    const api = await http.get(`${s.dash.url}/api/queues/high_priority?state=failed`);
    expect(api.body.length).toBeLessThan(10_000);
    const job2 = JSON.parse(api.body).list.jobs.find((j: { id: string }) => j.id === '2');
    expect(job2).toMatchObject({ name: 'email.send', payloadTruncated: true, retriesLeft: 0 });
    expect(job2.payloadPreview.length).toBeLessThanOrEqual(160);
    // A 5 MB error is not even read for a list; a 10 KB one is cut to 400 bytes.
    expect(job2.error).toBeNull();
    expect(job2.errorBytes).toBeGreaterThan(5_000_000);
    expect(failed.body).toContain('5.0 MB error message: open the job to read it');
    const job6 = JSON.parse(api.body).list.jobs.find((j: { id: string }) => j.id === '6');
    expect(job6.error).toHaveLength(400);
    expect(job2.storedBytes).toBeGreaterThan(5_000_000);
    const waiting = JSON.parse((await http.get(`${s.dash.url}/api/queues/high_priority?state=waiting`)).body).list.jobs;
    expect(waiting.find((j: { id: string }) => j.id === '3')).toMatchObject({ createdAt: 1_700_000_000_000, payloadTruncated: true });
  });

  it('caps a 5 MB payload on the job page and in the JSON twin, and downloads all of it', async () => {
    const page = await http.get(`${s.dash.url}/queues/high_priority/jobs/3`);
    expect(page.status).toBe(200);
    expect(page.body.length).toBeLessThan(200_000);
    expect(page.body).toMatch(/truncated, 5\.0 MB more · <a href="\/queues\/high_priority\/jobs\/3\/download\/payload" download>/);
    const api = await http.get(`${s.dash.url}/api/queues/high_priority/jobs/3`);
    expect(api.body.length).toBeLessThan(200_000);
    expect(JSON.parse(api.body).payload).toMatchObject({ truncated: true });
    const full = await http.get(`${s.dash.url}/queues/high_priority/jobs/3/download/payload`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(full.headers.get('content-disposition')).toBe('attachment; filename="high_priority-3-payload.json"');
    expect(JSON.parse(full.body).text).toHaveLength(FIVE_MB.length);
    const error = await http.get(`${s.dash.url}/queues/high_priority/jobs/2/download/error`);
    expect(error.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(error.body).toHaveLength(FIVE_MB.length);
    expect((await http.get(`${s.dash.url}/queues/high_priority/jobs/3/download/result`)).status).toBe(404);
    expect((await http.get(`${s.dash.url}/queues/high_priority/jobs/3/download/nope`)).status).toBe(400);
  });

  it('sends a strict content security policy', async () => {
    const res = await http.get(`${s.dash.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('CSRF', () => {
  const s = dashboardSuite('csrf', [{ queue: 'high_priority', id: '1', name: 'email.send', payload: {}, state: 'failed' }]);

  it('rejects a POST without a token, with a forged token, or from another browser', async () => {
    const attacker = new TestBrowser();
    expect((await attacker.post(`${s.dash.url}/queues/high_priority/jobs/1/retry`, {})).status).toBe(403);
    expect((await attacker.post(`${s.dash.url}/queues/high_priority/jobs/1/retry`, { _csrf: 'forged' })).status).toBe(403);
    const victim = new TestBrowser();
    const token = await victim.csrfToken(`${s.dash.url}/queues/high_priority/jobs/1`);
    await attacker.get(`${s.dash.url}/`);
    expect((await attacker.post(`${s.dash.url}/queues/high_priority/jobs/1/retry`, { _csrf: token })).status).toBe(403);
    expect(await s.redis.sismember(`${s.prefix}:high_priority:failed`, '1')).toBe(1);
  });

  it('accepts a POST with the token of the page', async () => {
    const browser = new TestBrowser();
    const token = await browser.csrfToken(`${s.dash.url}/queues/high_priority/jobs/1`);
    const res = await browser.post(`${s.dash.url}/queues/high_priority/jobs/1/retry`, { _csrf: token });
    expect(res.status).toBe(303);
    expect(await s.redis.sismember(`${s.prefix}:high_priority:failed`, '1')).toBe(0);
  });
});

describe('read-only mode', () => {
  const http = new TestBrowser();
  const s = dashboardSuite('readonly', [
      { queue: 'high_priority', id: '1', name: 'email.send', payload: {}, state: 'failed' },
      { queue: 'high_priority', id: '2', name: 'email.send', payload: {}, state: 'waiting' },
    ], { DASHBOARD_READ_ONLY: 'true' });

  it('shows no write buttons and no enqueue link', async () => {
    for (const path of ['/', '/queues/high_priority?state=failed', '/queues/high_priority/jobs/1', '/queues/high_priority?state=waiting']) {
      const res = await http.get(`${s.dash.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain('method="post"');
      expect(res.body).not.toContain('/enqueue"');
      expect(res.body).toContain('read-only');
    }
  });

  it('refuses every write with 405', async () => {
    for (const path of ['/queues/high_priority/jobs/1/retry', '/queues/high_priority/jobs/1/remove', '/queues/high_priority/retry-failed', '/queues/high_priority/states/waiting/empty', '/enqueue/email.send']) {
      const res = await http.post(`${s.dash.url}${path}`, { confirm: 'yes' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    expect(await s.redis.llen(`${s.prefix}:high_priority:waiting`)).toBe(1);
    expect(await s.redis.sismember(`${s.prefix}:high_priority:failed`, '1')).toBe(1);
  });
});

describe('basic auth and URL prefix', () => {
  const s = dashboardSuite('auth', [{ queue: 'high_priority', id: '7', name: 'email.send', payload: {}, state: 'waiting' }], { DASHBOARD_USERNAME: 'ops', DASHBOARD_PASSWORD: 's3cret', DASHBOARD_URL_PREFIX: '/ops/queues/' });

  const authorized = new TestBrowser({ authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` });

  it('asks for credentials and refuses wrong ones', async () => {
    const anonymous = await new TestBrowser().get(`${s.dash.url}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    const wrong = new TestBrowser({ authorization: `Basic ${Buffer.from('ops:nope').toString('base64')}` });
    expect((await wrong.get(`${s.dash.url}/api/overview`)).status).toBe(401);
    expect((await authorized.get(`${s.dash.url}/`)).status).toBe(200);
  });

  it('serves /healthz and /metrics without auth, at the root and under the prefix', async () => {
    const anonymous = new TestBrowser();
    for (const base of [s.dash.origin, s.dash.url]) {
      const health = await anonymous.get(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', redis: 'up' });
      const metrics = await anonymous.get(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('jobq_jobs{queue="high_priority",state="waiting"} 1');
      expect(metrics.body).toContain('jobq_workers_online 0');
      expect(metrics.body).toContain('jobq_processed_last_hour{queue="high_priority"} 0');
      expect(metrics.body).toContain('# TYPE jobq_worker_processed_total counter');
    }
  });

  it('puts every link, form and asset under the URL prefix', async () => {
    expect(s.dash.config.urlPrefix).toBe('/ops/queues');
    const res = await authorized.get(`${s.dash.url}/queues/high_priority`);
    expect(res.status).toBe(200);
    const urls = [...res.body.matchAll(/(?:href|src|action)="([^"#]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const url of urls) expect(url.startsWith('/ops/queues/')).toBe(true);
    expect((await authorized.get(`${s.dash.url}/static/style.css`)).status).toBe(200);
    const search = await authorized.get(`${s.dash.url}/search?id=7`);
    expect(search.headers.get('location')).toBe('/ops/queues/queues/high_priority/jobs/7');
    expect((await authorized.get(`${s.dash.origin}/queues/high_priority`)).status).toBe(404);
  });
});
