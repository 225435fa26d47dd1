// Live updates over Server-Sent Events (issue 8): one shared reader of the job
// event streams fans out to browsers; a client that never reads is dropped
// instead of growing the server's memory.
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fixtureRedis, testPrefix } from './fixtures';
import { startDashboard, TestBrowser, type RunningDashboard } from './harness';
import { deletePrefix, waitFor } from '@jobq/testing';
import type { Redis } from 'ioredis';

const prefix = testPrefix('live');
const stream = `${prefix}:high_priority:x:events`;
let redis: Redis;
let dash: RunningDashboard;
const http = new TestBrowser();
setFlagsFromString('--expose-gc');
/** A full garbage collection, so memory readings count what is kept, not garbage. */
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  redis = fixtureRedis();
  // Small limits so a stalled client is found out within a few MB.
  dash = await startDashboard(prefix, {}, undefined, { live: { coalesceMs: 0, maxEventsPerMessage: 1_000, maxBufferedBytes: 64 * 1024, heartbeatMs: 500 } });
});

afterAll(async () => {
  await dash?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** Reads an SSE response and collects its events until `stop` says enough. */
async function readEvents(res: Response, stop: (events: { event: string; data: string }[], raw: string) => boolean, timeoutMs: number) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const events: { event: string; data: string }[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    raw += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = raw.indexOf('\n\n')) >= 0) {
      const block = raw.slice(0, end);
      raw = raw.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      events.push({ event, data: event ? data : block });
      if (stop(events, raw)) {
        await reader.cancel();
        return events;
      }
    }
  }
  await reader.cancel();
  return events;
}

it('sends resync on connect, then each job change, and heartbeats', async () => {
  const res = await fetch(`${dash.url}/api/events`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const started = Date.now();
  setTimeout(() => void redis.xadd(stream, '*', 'ev', 'waiting', 'id', '42', 'name', 'email.send', 'at', String(Date.now())), 300);
  const events = await readEvents(res, (ev) => ev.some((e) => e.event === 'jobs') && ev.some((e) => e.data.startsWith(': ping')), 5_000);
  expect(events[0].event).toBe('resync');
  const jobs = JSON.parse(events.find((e) => e.event === 'jobs')?.data ?? '{}');
  expect(jobs).toMatchObject({ queues: ['high_priority'], count: 1, events: [{ q: 'high_priority', ev: 'waiting', id: '42', name: 'email.send' }] });
  expect(Date.now() - started).toBeLessThan(3_000);
});

it('answers with the same auth as the pages', async () => {
  const locked = await startDashboard(testPrefix('live-auth'), { DASHBOARD_USERNAME: 'u', DASHBOARD_PASSWORD: 'p' });
  try {
    expect((await http.get(`${locked.url}/api/events`)).status).toBe(401);
  } finally {
    await locked.close();
  }
});

it('drops a client that never reads while many events go by, and memory stays bounded', async () => {
  // A reading client that must survive the burst, and a raw socket that never reads.
  const abort = new AbortController();
  const reading = await fetch(`${dash.url}/api/events`, { signal: abort.signal });
  let readBytes = 0;
  const readingDone = (async () => {
    const reader = (reading.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      readBytes += chunk.value?.length ?? 0;
    }
  })();
  const url = new URL(`${dash.url}/api/events`);
  const stalled = connect(Number(url.port), url.hostname);
  await new Promise((r) => stalled.once('connect', r));
  stalled.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`);
  stalled.pause();
  await waitFor(async () => /jobq_dashboard_live_clients 2/.test((await http.get(`${dash.url}/metrics`)).body), 5_000, 'two live clients');

  gc();
  const before = process.memoryUsage();
  const name = `report.${'n'.repeat(180)}`;
  // 60,000 events of ~250 bytes each on the wire: ~15 MB for a client to swallow.
  for (let batch = 0; batch < 60; batch++) {
    const p = redis.pipeline();
    for (let i = 0; i < 1_000; i++) p.xadd(stream, '*', 'ev', 'succeeded', 'id', `${batch}-${i}`, 'name', name, 'at', String(Date.now()));
    await p.exec();
  }
  await waitFor(async () => /jobq_dashboard_live_dropped_total 1/.test((await http.get(`${dash.url}/metrics`)).body), 20_000, 'the stalled client to be dropped');
  // The client that reads is still connected, and gets the burst. It reads in this
  // process too: wait until it has, so what it has not read yet is not counted below.
  expect((await http.get(`${dash.url}/metrics`)).body).toContain('jobq_dashboard_live_clients 1');
  await waitFor(() => readBytes > 14_000_000, 10_000, 'the reading client to get the burst (~15 MB)');
  gc();
  const after = process.memoryUsage();
  expect(after.rss - before.rss).toBeLessThan(100 * 1024 * 1024);
  // Without the drop the stalled client's backlog alone would hold ~10 MB more than this.
  expect(after.heapUsed + after.external - before.heapUsed - before.external).toBeLessThan(8 * 1024 * 1024);
  stalled.destroy();
  abort.abort();
  await readingDone;
}, 60_000);
