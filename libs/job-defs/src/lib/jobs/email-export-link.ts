import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

/**
 * The second step of a dependency chain: enqueued with `dependsOn` the
 * `dataset.export` job(s) it reports on (same queue), it runs once they all
 * succeeded, reads their typed results and emails a link to each export.
 */
export const emailExportLink = defineJob({
  name: 'dataset.email-link',
  queue: QUEUE.low,
  description: 'Email a link to finished data set exports (runs after its dataset.export parents)',
  payload: z.object({
    to: z.email({ message: 'must be an email address' }).describe('Recipient'),
    linkBase: z.url().default('http://localhost:9181').describe('Dashboard URL the links point to'),
  }),
  result: z.object({
    messageId: z.string(),
    exports: z.array(z.object({ jobId: z.string(), dataset: z.string(), rows: z.number().int(), checksum: z.string(), link: z.string() })),
  }),
  defaults: {
    retries: 3,
    backoff: { strategy: 'exponential', delayMs: 1_000 },
    timeoutMs: 30_000,
    keepResultSeconds: 3 * 86_400,
  },
});
