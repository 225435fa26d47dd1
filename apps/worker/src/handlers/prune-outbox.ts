import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlerResultOf, ParsedPayloadOf, pruneOutbox } from '@jobq/job-defs';
import type { JobContext } from '@jobq/queue-core';

/**
 * The `outbox.prune` handler: deletes the outbox's message files (`*.json`) last
 * written more than `olderThanHours` ago. A missing folder has nothing to prune.
 */
export function createPruneOutbox(dir: string) {
  return async (payload: ParsedPayloadOf<typeof pruneOutbox>, ctx: JobContext): Promise<HandlerResultOf<typeof pruneOutbox>> => {
    const cutoff = Date.now() - payload.olderThanHours * 3_600_000;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { removed: 0, kept: 0 };
      throw err;
    }
    let removed = 0;
    let kept = 0;
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      ctx.signal.throwIfAborted();
      const file = join(dir, name);
      // Another worker may prune the same file at the same time: a vanished file is fine.
      const info = await stat(file).catch(() => null);
      if (!info) continue;
      if (info.mtimeMs < cutoff) {
        await rm(file, { force: true });
        removed += 1;
      } else kept += 1;
    }
    if (removed > 0) ctx.log(`removed ${removed} message(s) older than ${payload.olderThanHours} h`);
    return { removed, kept };
  };
}
