import { describeTiming } from '@jobq/job-defs';
import { QueueClient } from '@jobq/queue-core';
import type { Logger } from 'pino';
import type { WorkerConfig } from './config';

/**
 * Declares the worker's schedules (see `WorkerConfig.schedules`). Safe in every
 * process at once: an unchanged schedule is left as it is (one pending run), a
 * changed one (new cron, time zone, interval) is updated. A failure is logged
 * and the worker goes on: the next start declares them again.
 */
export async function declareSchedules(config: WorkerConfig, log: Logger): Promise<void> {
  if (config.schedules.length === 0) return;
  let client: QueueClient | undefined;
  try {
    client = await QueueClient.connect(config.connection);
    for (const def of config.schedules) {
      const { outcome, nextRunAt } = await client.schedules.upsert(def);
      log.info(
        { schedule: def.name, queue: def.queue, job: def.contract.name, timing: describeTiming(def.timing), outcome, nextRunAt: nextRunAt ? new Date(nextRunAt).toISOString() : null },
        'schedule declared',
      );
    }
  } catch (err) {
    log.error({ err }, 'could not declare the schedules (the worker goes on; the next start tries again)');
  } finally {
    await client?.close();
  }
}
