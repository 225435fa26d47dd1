// Issue 12, "bounds everywhere": whatever a handler or a worker stored, every page,
// fragment, JSON twin and /metrics stays small and fast, malformed records show as
// malformed on their own row, and invisible characters are shown escaped.
import { dashboardSuite, TestBrowser } from './harness';

const FIVE_MB = 'X'.repeat(5 * 1024 * 1024);
const SPOOF = 'abc\u202Egnp.exe\u202C';
const now = Date.now();

/** Fetches `url` and measures how long the answer took and how big it was. */
async function timed(http: TestBrowser, url: string, headers: Record<string, string> = {}) {
  const start = performance.now();
  const res = await http.get(url, headers);
  return { ...res, ms: performance.now() - start };
}

describe('hostile sizes', () => {
  const http = new TestBrowser();
  const s = dashboardSuite(
    'bounds',
    [
      // Six failures with a 5 MB code (issue 12 measured 94 MB of HTML for these).
      ...Array.from({ length: 6 }, (_, i) => ({ queue: 'high_priority', id: `code-${i}`, name: 'email.send', payload: { n: i }, state: 'failed' as const, error: 'boom', errorCode: FIVE_MB, stack: FIVE_MB })),
      { queue: 'high_priority', id: 'msg', name: 'email.send', payload: { n: 1 }, state: 'failed', error: FIVE_MB, errorCode: FIVE_MB, stack: FIVE_MB },
      { queue: 'high_priority', id: 'prog', name: 'email.send', payload: { n: 2 }, state: 'active', progress: { percent: 30, message: FIVE_MB }, worker: FIVE_MB },
      { queue: 'high_priority', id: 'res', name: 'email.send', payload: { n: 3 }, state: 'succeeded', result: { big: FIVE_MB } },
      { queue: 'high_priority', id: 'spoof', name: 'email.send', payload: { file: SPOOF, nul: 'a\u0000b' }, state: 'failed', error: `${SPOOF}\u0000`, errorCode: 'E\u2066X' },
    ],
    {},
    async (redis, prefix) => {
      const w = (name: string) => `${prefix}:x:worker:${name}`;
      const set = async (name: string, value: string) => {
        await redis.set(w(name), value, 'PX', 60_000);
        await redis.zadd(`${prefix}:x:workers`, now, name);
      };
      const good = { hostname: 'h', pid: 1, queues: ['high_priority'], concurrency: 2, state: 'idle', running: [], processed: 3, failed: 1, busyMs: 5, startedAt: now - 1000, lastHeartbeat: now };
      await set('w-good', JSON.stringify({ ...good, name: 'w-good' }));
      await set('w-bad', JSON.stringify({ ...good, name: 'w-bad', queues: 'high_priority', running: null, processed: 'abc' }));
      await set('w-huge', JSON.stringify({ ...good, name: 'w-huge', hostname: FIVE_MB, queues: [FIVE_MB] }));
      await set('w-notjson', 'not json at all');
      await set(`w-${'n'.repeat(197)}`, JSON.stringify({ ...good, name: `w-${'n'.repeat(197)}`, hostname: `host-${'h'.repeat(150)}` }));
      // A job JSON that is not an object, and one stored under an id the producer would refuse.
      const k = `${prefix}:high_priority:`;
      await redis.hset(`${k}jobs`, 'not-object', '[1,2,3]');
      await redis.lpush(`${k}waiting`, 'not-object');
      await redis.hset(`${k}jobs`, 'odd id/ü?#', JSON.stringify({ data: { name: 'email.send', payload: { odd: true } }, options: { timestamp: now, retries: 0, stacktraces: [] }, status: 'created', progress: 0 }));
      await redis.lpush(`${k}waiting`, 'odd id/ü?#');
    },
  );

  it('keeps every list, job page, fragment and JSON twin small and fast', async () => {
    const rssBefore = process.memoryUsage().rss;
    const paths = [
      '/',
      '/queues/high_priority?state=failed',
      '/queues/high_priority?state=active',
      '/queues/high_priority?state=succeeded',
      '/queues/high_priority/jobs/msg',
      '/queues/high_priority/jobs/code-0',
      '/queues/high_priority/jobs/prog',
      '/queues/high_priority/jobs/res',
      '/workers',
    ];
    for (const path of paths) {
      for (const [url, headers] of [
        [`${s.dash.url}${path}`, {}],
        [`${s.dash.url}${path}`, { 'x-live': '1' }],
        [`${s.dash.url}/api${path === '/' ? '/overview' : path}`, {}],
      ] as const) {
        const res = await timed(http, url, headers);
        expect([url, res.status]).toEqual([url, 200]);
        expect([url, res.body.length < 200_000]).toEqual([url, true]);
        expect([url, res.ms < 2_000]).toEqual([url, true]);
      }
    }
    const metrics = await timed(http, `${s.dash.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.length).toBeLessThan(200_000);
    // The test process runs the dashboard too; 6 × 5 MB codes once cost 570 MB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
  });

  it('says how much was cut and links the whole value', async () => {
    const page = (await http.get(`${s.dash.url}/queues/high_priority/jobs/msg`)).body;
    for (const field of ['error', 'code', 'stack']) expect(page).toContain(`/queues/high_priority/jobs/msg/download/${field}" download>download the full value`);
    expect(page).toMatch(/truncated, 5\.0 MB more/);
    const active = (await http.get(`${s.dash.url}/queues/high_priority/jobs/prog`)).body;
    expect(active).toContain('<progress max="100" value="30">');
    expect(active).toContain('/queues/high_priority/jobs/prog/download/progress');
    const code = await http.get(`${s.dash.url}/queues/high_priority/jobs/code-3/download/code`);
    expect(code.body).toHaveLength(FIVE_MB.length);
    expect(code.headers.get('content-disposition')).toBe('attachment; filename="high_priority-code-3-code.txt"');
  });

  it('shows malformed worker records on their own rows; /workers, /metrics and /healthz stay 200', async () => {
    const page = await http.get(`${s.dash.url}/workers`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<strong>5</strong> workers online');
    expect(page.body).toContain('queues is not a list; running is not a list; processed is not a number');
    expect(page.body).toContain('record is not JSON');
    expect(page.body).toMatch(/record is \d+ KB, too large to read/);
    const metrics = await http.get(`${s.dash.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('jobq_workers_online 5');
    expect(metrics.body).toContain('jobq_workers_malformed 3');
    expect(metrics.body).toContain('jobq_worker_processed_total{worker="w-good"} 3');
    expect(metrics.body).toMatch(/jobq_queue_latency_seconds\{queue="high_priority"\} \d/);
    expect((await http.get(`${s.dash.url}/healthz`)).status).toBe(200);
    expect((await http.get(`${s.dash.url}/api/workers`)).status).toBe(200);
  });

  it('shows a job JSON that is not an object as malformed, and opens and removes odd ids', async () => {
    const list = await http.get(`${s.dash.url}/queues/high_priority?state=waiting`);
    expect(list.status).toBe(200);
    expect(list.body).toContain('>malformed</span>');
    const job = await http.get(`${s.dash.url}/queues/high_priority/jobs/not-object`);
    expect(job.status).toBe(200);
    expect(job.body).toContain('Malformed record: the stored job is not a JSON object');
    const odd = `/queues/high_priority/jobs/${encodeURIComponent('odd id/ü?#')}`;
    expect(list.body).toContain(`href="${odd}"`);
    expect((await http.get(`${s.dash.url}${odd}`)).status).toBe(200);
    const browser = new TestBrowser();
    const token = await browser.csrfToken(`${s.dash.url}${odd}`);
    expect((await browser.post(`${s.dash.url}${odd}/remove`, { _csrf: token, confirm: 'yes' })).status).toBe(303);
    expect(await s.redis.hexists(`${s.prefix}:high_priority:jobs`, 'odd id/ü?#')).toBe(0);
  });

  it('shows bidi controls and NUL bytes visibly escaped, never raw', async () => {
    for (const path of ['/queues/high_priority/jobs/spoof', '/queues/high_priority?state=failed']) {
      const body = (await http.get(`${s.dash.url}${path}`)).body;
      // eslint-disable-next-line no-control-regex
      expect(body).not.toMatch(/[\u0000\u202A-\u202E\u2066-\u2069]/);
      expect(body).toContain('abc<span class=ctl title=control>\\u202E</span>gnp.exe');
    }
    const job = (await http.get(`${s.dash.url}/queues/high_priority/jobs/spoof`)).body;
    expect(job).toContain('<span class=ctl title=NUL>\\u0000</span>');
  });
});

describe('small fixes', () => {
  const http = new TestBrowser();
  const s = dashboardSuite('smallfix', [{ queue: 'high_priority', id: '1', name: 'email.send', payload: {}, state: 'failed' }]);

  it('serves a favicon, answers other methods with 405 and unknown queues with 404', async () => {
    const icon = await http.get(`${s.dash.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await http.request(`${s.dash.url}/queues/high_priority/jobs/1`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    }
    const browser = new TestBrowser();
    const token = await browser.csrfToken(`${s.dash.url}/queues/high_priority/jobs/1`);
    for (const path of ['/queues/nope/retry-failed', '/queues/nope/states/failed/empty', '/queues/nope/jobs/1/retry']) {
      expect((await browser.post(`${s.dash.url}${path}`, { _csrf: token, confirm: 'yes' })).status).toBe(404);
    }
  });
});
