import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { exportDataset, HandlerResultOf, ParsedPayloadOf } from '@jobq/job-defs';
import type { JobContext } from '@jobq/queue-core';
import { seededRandom } from '../synthetic-data';

/**
 * The `dataset.export` handler, a long job: generates the data set chunk by chunk
 * (deterministic rows seeded by the data set name), folds every row into a running
 * SHA-256 checksum, pauses `chunkDelayMs` per chunk to stand for I/O, and reports
 * progress after each chunk. The pause is abortable, so a timeout or a forced stop
 * ends the job within one chunk.
 */
export function createExportDataset() {
  return async (payload: ParsedPayloadOf<typeof exportDataset>, ctx: JobContext): Promise<HandlerResultOf<typeof exportDataset>> => {
    const checksum = createHash('sha256');
    const random = seededRandom(`export:${payload.dataset}`);
    let rows = 0;
    for (let chunk = 1; chunk <= payload.chunks; chunk += 1) {
      ctx.signal.throwIfAborted();
      let lines = '';
      for (let i = 0; i < payload.rowsPerChunk; i += 1) {
        rows += 1;
        lines += `${rows},${payload.dataset},${Math.floor(random() * 1_000_000)}\n`;
      }
      checksum.update(lines);
      if (payload.chunkDelayMs > 0) await sleep(payload.chunkDelayMs, undefined, { signal: ctx.signal });
      await ctx.progress(Math.round((chunk / payload.chunks) * 100), `chunk ${chunk}/${payload.chunks}`);
    }
    return { dataset: payload.dataset, chunks: payload.chunks, rows, checksum: checksum.digest('hex') };
  };
}
