import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

/**
 * POST a JSON event to a URL, signed with HMAC-SHA256 (see `signWebhook`).
 * Retried with backoff on 5xx answers, timeouts and network errors; a 4xx answer
 * fails at once (the receiver will not accept it on a retry either).
 */
export const deliverWebhook = defineJob({
  name: 'webhook.deliver',
  queue: QUEUE.high,
  description: 'POST a signed JSON event to a URL; retried on 5xx and timeouts',
  payload: z.object({
    url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).describe('Receiver URL'),
    event: z.string().min(1).max(100).describe('Event type, e.g. order.paid'),
    body: z.record(z.string(), z.unknown()).describe('JSON object sent as the event data'),
    requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000).describe('Per-request timeout'),
  }),
  result: z.object({
    status: z.number().int(),
    durationMs: z.number(),
    deliveryId: z.string(),
  }),
  defaults: {
    retries: 5,
    backoff: { strategy: 'exponential', delayMs: 2_000 },
    timeoutMs: 70_000,
    keepResultSeconds: 86_400,
  },
});
