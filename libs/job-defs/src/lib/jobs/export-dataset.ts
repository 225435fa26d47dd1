import { z } from 'zod';
import { defineJob } from '../contract';
import { QUEUE } from '../queues';

/**
 * A long job: exports a data set chunk by chunk and reports progress after each
 * chunk, so the dashboard can show how far it is.
 */
export const exportDataset = defineJob({
  name: 'dataset.export',
  queue: QUEUE.low,
  description: 'Export a data set in chunks, reporting progress (long job)',
  payload: z.object({
    dataset: z.string().min(1).max(100).describe('Data set name'),
    chunks: z.number().int().min(1).max(1_000).default(20).describe('Number of chunks'),
    rowsPerChunk: z.number().int().min(1).max(10_000).default(500).describe('Rows per chunk'),
    chunkDelayMs: z.number().int().min(0).max(10_000).default(250).describe('Pause per chunk (simulated I/O)'),
  }),
  result: z.object({
    dataset: z.string(),
    chunks: z.number().int(),
    rows: z.number().int(),
    checksum: z.string(),
  }),
  defaults: {
    retries: 2,
    backoff: { strategy: 'exponential', delayMs: 10_000 },
    timeoutMs: 15 * 60_000,
    keepResultSeconds: 3 * 86_400,
  },
});
