// Live-update latency of the dashboard (issue 8: "a change shows on an open page
// within 500 ms"), measured in a real browser: Debian's Chromium driven by
// playwright-core, the page open as an operator has it, and jobs enqueued through
// queue-core's public API (the built libs) at random gaps. For each change the page
// records, with a MutationObserver, the wall-clock time at which the change is in its
// DOM; the latency is that time minus the time just before the enqueue call (both
// the system clock of this host).
'use strict';

const { performance } = require('node:perf_hooks');

const { percentile, rng } = require('./bench-stats.cjs');
const { requireBuilt } = require('./local.cjs');

/** Wall-clock ms with sub-ms resolution (the page uses the same expression). */
const now = () => performance.timeOrigin + performance.now();

/**
 * Installs an observer in the page that stores in `window.__liveSeenAt` the time at which
 * `check()` (a predicate over the DOM, as source text) first holds. Resolves with that
 * time, or rejects after `timeoutMs`.
 */
async function seenAt(page, check, arg, timeoutMs) {
  await page.evaluate(
    ({ check: source, arg: a }) => {
      const test = new Function('arg', `return (${source})(arg);`);
      window.__liveSeenAt = null;
      window.__liveObserver?.disconnect();
      const mark = () => {
        if (window.__liveSeenAt === null && test(a)) {
          window.__liveSeenAt = performance.timeOrigin + performance.now();
          window.__liveObserver.disconnect();
        }
      };
      window.__liveObserver = new MutationObserver(mark);
      window.__liveObserver.observe(document.body, { childList: true, subtree: true, characterData: true });
      mark();
    },
    { check: check.toString(), arg },
  );
  return async () => {
    const handle = await page.waitForFunction(() => window.__liveSeenAt, undefined, { timeout: timeoutMs, polling: 50 });
    return handle.jsonValue();
  };
}

/**
 * Opens each of `views` in its own tab of one Chromium and, `changes` times per view,
 * enqueues an `email.send` job into `queue` and times how long until the view shows it.
 * @param {{ origin: string, redisUrl: string, prefix: string, queue: string, changes: number,
 *   waitingBefore: number, timeoutMs?: number, log?: (line: string) => void }} o
 * @returns {Promise<{ label: string, path: string, n: number, p50: number, p95: number, max: number }[]>}
 */
async function measureLiveUpdates(o) {
  const { launchChromium } = requireBuilt('../../libs/testing/dist/index.js');
  const { QueueClient, parseQueueConfig } = requireBuilt('../../libs/queue-core/dist/index.js');
  const { sendEmail } = requireBuilt('../../libs/job-defs/dist/index.js');
  const timeoutMs = o.timeoutMs ?? 5_000;
  const browser = await launchChromium();
  const client = await QueueClient.connect(parseQueueConfig({ redisUrl: o.redisUrl, prefix: o.prefix }));
  let waiting = o.waitingBefore;
  const waitingHref = `/queues/${o.queue}?state=waiting`;
  const views = [
    {
      label: 'Waiting list, page 1: the new job\'s row appears',
      path: waitingHref,
      check: (a) => document.querySelector(`a[href="${a.jobHref}"]`) !== null,
    },
    {
      label: 'Overview: the queue\'s waiting count changes',
      path: '/',
      check: (a) => [...document.querySelectorAll(`a[href="${a.countHref}"]`)].some((el) => el.textContent.trim() === a.count),
    },
  ];
  const rows = [];
  try {
    for (const view of views) {
      const page = await browser.newPage();
      await page.goto(o.origin + view.path, { waitUntil: 'load' });
      // The live script subscribes on load; give the event stream a moment to open.
      await page.waitForFunction(() => document.body.dataset.events !== undefined, undefined, { timeout: timeoutMs });
      await new Promise((r) => setTimeout(r, 500));
      const times = [];
      const random = rng(1); // the same gaps for every page and every run
      for (let i = 0; i < o.changes; i += 1) {
        await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 400)));
        const expected = (waiting + 1).toLocaleString('en-US');
        // The job's id is chosen here, so the page can watch for its row before the enqueue.
        const id = `live-${rows.length}-${i}`;
        const wait = await seenAt(page, view.check, { jobHref: `/queues/${o.queue}/jobs/${id}`, countHref: waitingHref, count: expected }, timeoutMs);
        const t0 = now();
        await client.enqueue(sendEmail, { to: 'live@example.com', subject: `live ${i}`, text: 'live update benchmark' }, { jobId: id });
        waiting += 1;
        const seen = await wait();
        times.push(seen - t0);
      }
      await page.close();
      const row = { label: view.label, path: view.path, n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
      o.log?.(`  live: ${view.label.padEnd(50)} p50 ${row.p50.toFixed(0)} ms  p95 ${row.p95.toFixed(0)} ms  max ${row.max.toFixed(0)} ms`);
      rows.push(row);
    }
  } finally {
    await client.close();
    await browser.close();
  }
  return rows;
}

module.exports = { measureLiveUpdates };
