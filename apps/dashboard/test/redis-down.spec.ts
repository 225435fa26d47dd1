import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort, PrivateRedis, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { startDashboard, TestBrowser, type RunningDashboard } from './harness';

const http = new TestBrowser();
const status = async (url: string) => {
  try {
    return (await http.get(url)).status;
  } catch {
    return 0;
  }
};

describe('Redis going away and coming back', () => {
  let redis: PrivateRedis;
  let dash: RunningDashboard;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    dash = await startDashboard('jobq-test-down', { REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await dash.close();
    await redis.stop('SIGKILL');
  });

  it('answers 503 pages while Redis is down and recovers by itself', async () => {
    expect(await status(`${dash.url}/`)).toBe(200);
    await redis.stop('SIGKILL');
    await waitFor(async () => (await status(`${dash.url}/`)) === 503, 5_000, 'a 503');
    const page = await http.get(`${dash.url}/queues/high_priority`);
    expect(page.status).toBe(503);
    expect(page.body).toContain('Redis is unavailable');
    const api = await http.get(`${dash.url}/api/overview`);
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body).error.status).toBe(503);
    expect(await status(`${dash.url}/healthz`)).toBe(503);
    expect(await status(`${dash.url}/metrics`)).toBe(503);

    await redis.start();
    await waitFor(async () => (await status(`${dash.url}/`)) === 200, 10_000, 'recovery');
    expect(await status(`${dash.url}/healthz`)).toBe(200);
    expect(await status(`${dash.url}/api/workers`)).toBe(200);
  });

  it('the enqueue form works after a Redis restart (and SCRIPT FLUSH), with the same dashboard process', async () => {
    const browser = new TestBrowser();
    const submit = async () => {
      const token = await browser.csrfToken(`${dash.url}/enqueue/email.send`);
      return browser.post(`${dash.url}/enqueue/email.send`, { _csrf: token, to: 'a@example.com', subject: 'Hi', text: 'restart' });
    };
    expect((await submit()).status).toBe(303);
    await redis.stop('SIGKILL');
    await redis.start();
    await waitFor(async () => (await status(`${dash.url}/`)) === 200, 10_000, 'recovery');
    const afterRestart = await submit();
    expect(afterRestart.status).toBe(303);
    expect(afterRestart.headers.get('location')).toMatch(/\/queues\/high_priority\/jobs\//);
    const raw = new Redis(redis.url);
    try {
      await raw.script('FLUSH');
      expect((await submit()).status).toBe(303);
    } finally {
      raw.disconnect();
    }
  });

  it('keeps a live stream open through a Redis restart and goes on delivering events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${dash.url}/api/events`, { signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        text += new TextDecoder().decode(chunk.value);
      }
    })();
    await waitFor(() => text.includes('event: resync'), 5_000, 'the resync event');
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    const writer = new Redis(redis.url);
    try {
      // Events go on arriving once the shared reader has reconnected.
      await waitFor(
        async () => {
          await writer.xadd('jobq-test-down:high_priority:x:events', '*', 'ev', 'waiting', 'id', 'after-restart', 'name', 'email.send', 'at', String(Date.now()));
          return text.includes('"id":"after-restart"');
        },
        { timeoutMs: 10_000, intervalMs: 500, what: 'an event after the restart' },
      );
    } finally {
      writer.disconnect();
      abort.abort();
      await reading;
    }
  });
});

describe('the built entry point (dist/main.js)', () => {
  const main = path.join(__dirname, '..', 'dist', 'main.js');
  const children: ChildProcess[] = [];

  const run = (env: Record<string, string>) => {
    const child = spawn(process.execPath, [main], { env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => output };
  };

  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx build @jobq/dashboard)`);
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('exits 1 with a clear message on bad configuration', async () => {
    const p = run({ PORT: 'eighty', DASHBOARD_REFRESH_MS: '5', REDIS_URL: 'http://nope', DASHBOARD_USERNAME: 'ops' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('Invalid dashboard configuration');
    expect(p.output()).toContain('PORT: must be a whole number');
    expect(p.output()).toContain('DASHBOARD_REFRESH_MS');
    expect(p.output()).toContain('DASHBOARD_PASSWORD: set both');
  });

  it('starts while Redis is down, serves 503 until it is up, and stops cleanly on SIGTERM', async () => {
    const redisPort = await freePort();
    const port = await freePort();
    const redis = new PrivateRedis(redisPort);
    const p = run({ PORT: String(port), DASHBOARD_HOST: '127.0.0.1', REDIS_URL: redis.url, JOBQ_PREFIX: 'jobq-test-main' });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await status(`${url}/healthz`)) === 503, 15_000, 'the dashboard to listen');
      expect(await status(`${url}/`)).toBe(503);
      await redis.start();
      await waitFor(async () => (await status(`${url}/`)) === 200, 10_000, 'recovery');
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      await redis.stop('SIGKILL');
    }
  });
});
