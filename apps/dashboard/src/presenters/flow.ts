import type { QueueFlow } from '@jobq/queue-core';
import { formatCount } from './format';
import type { Links } from './links';

/** `50 per 1 s`, `600 per 2 min`, `10 per 250 ms`. */
export function rateLimitText(flow: QueueFlow): string {
  if (!flow.rateLimit) return '';
  const ms = flow.rateLimit.intervalMs;
  const window = ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1_000 === 0 ? `${ms / 1_000} s` : `${formatCount(ms)} ms`;
  return `${formatCount(flow.rateLimit.max)} per ${window}`;
}

/** View model of a queue's flow control: paused badge, pause/resume, rate limit and its form. */
export function presentFlow(flow: QueueFlow, links: Links, canWrite: boolean) {
  const q = flow.queue;
  return {
    paused: flow.paused,
    rateLimit: rateLimitText(flow),
    pause: canWrite && !flow.paused ? { action: links.queueFlow(q, 'pause'), confirm: `Pause ${q}? Workers take no new jobs from it (running ones finish); enqueues still succeed.` } : null,
    resume: canWrite && flow.paused ? { action: links.queueFlow(q, 'resume') } : null,
    limitForm: canWrite
      ? {
          action: links.rateLimit(q),
          max: flow.rateLimit ? flow.rateLimit.max : '',
          intervalMs: flow.rateLimit ? flow.rateLimit.intervalMs : 1000,
          clearable: flow.rateLimit !== null,
        }
      : null,
  };
}
