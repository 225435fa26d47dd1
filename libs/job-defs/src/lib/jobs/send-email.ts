import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

const address = z.email({ message: 'must be an email address' });

/**
 * Send one email through the worker's configured transport (by default an outbox
 * folder of `.json` messages the user can inspect).
 */
export const sendEmail = defineJob({
  name: 'email.send',
  queue: QUEUE.high,
  description: 'Send one email through the configured transport',
  payload: z.object({
    to: z.union([address, z.array(address).min(1).max(50)]).describe('Recipient, or a list of up to 50'),
    subject: z.string().min(1).max(200).describe('Subject line'),
    text: z.string().min(1).max(100_000).describe('Plain-text body'),
    html: z.string().max(200_000).optional().describe('Optional HTML body'),
    from: address.optional().describe('Sender; the transport default when absent'),
  }),
  result: z.object({
    messageId: z.string(),
    accepted: z.array(z.string()),
    transport: z.string(),
  }),
  defaults: {
    retries: 3,
    backoff: { strategy: 'exponential', delayMs: 1_000 },
    timeoutMs: 30_000,
    keepResultSeconds: 86_400,
  },
});
