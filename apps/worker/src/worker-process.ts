import { setTimeout as sleep } from 'node:timers/promises';
import { redactUrl, RedisUnavailableError, Worker } from '@jobq/queue-core';
import type { Logger } from 'pino';
import type { WorkerConfig } from './config';
import { OutboxTransport } from './email/outbox-transport';
import { declareSchedules } from './declare-schedules';
import { catalogueHandlers } from './handlers';

/** Longest pause between tries to reach Redis at start. */
const START_RETRY_MAX_MS = 5_000;

/** Builds the Worker for `config`: a handler for every catalogue job on the queues it serves. */
export function createWorker(config: WorkerConfig): Worker {
  const handlers = catalogueHandlers({
    emailTransport: new OutboxTransport(config.outboxDir),
    webhook: { secret: config.webhookSecret, allowHosts: config.webhookAllowHosts },
    outboxDir: config.outboxDir,
  }).filter((h) => config.queues.includes(h.contract.queue));
  return new Worker(config.connection, {
    name: config.name,
    queues: config.queues,
    concurrency: config.concurrency,
    handlers,
    stallIntervalMs: config.stallIntervalMs,
    heartbeatMs: config.heartbeatMs,
    registryTtlMs: config.registryTtlMs,
    maxStalls: config.maxStalls,
    maxFinishedJobs: config.maxFinishedJobs,
  });
}

/** One log line per finished attempt and per connection change. */
export function logWorkerEvents(worker: Worker, log: Logger): void {
  worker.on('job:started', (e) => log.debug({ queue: e.queue, jobId: e.id, job: e.name, attempt: e.attempt }, 'job started'));
  worker.on('job:finished', (e) => {
    const fields = { queue: e.queue, jobId: e.id, job: e.name, outcome: e.outcome, attempt: e.attempt, durationMs: e.durationMs };
    if (e.outcome === 'succeeded') log.info(fields, 'job succeeded');
    else log[e.outcome === 'failed' ? 'error' : 'warn']({ ...fields, error: e.error?.message, errorCode: e.error?.code }, `job ${e.outcome}`);
  });
  worker.on('stalled', (e) => log.warn({ queue: e.queue, recovered: e.recovered, failed: e.failed }, 'recovered jobs of a dead worker'));
  worker.on('redis:down', (err) => log.error({ err }, 'lost the connection to Redis; retrying (running jobs go on)'));
  worker.on('redis:up', () => log.info('reconnected to Redis; resuming'));
  worker.on('error', (err) => log.warn({ err }, 'worker problem (it keeps running)'));
}

/**
 * Runs the worker until a signal stops it:
 * - starts it, retrying with backoff while Redis is not reachable yet;
 * - first SIGTERM/SIGINT: stop taking jobs, let running ones finish for up to
 *   `graceMs` (the rest go back to waiting), deregister, exit 0;
 * - a `stop` command from the dashboard (through Redis): as the first signal; a
 *   `quiet` command: no new jobs, running ones finish, the process stays up;
 * - second signal: abort running jobs and put them back to waiting at once, exit 0;
 * - an unhandled rejection is logged and the worker goes on (a stray promise does not
 *   corrupt it); an uncaught exception may have, so the worker closes gracefully and
 *   exits 1 for supervisord to restart it.
 */
export async function runWorkerProcess(config: WorkerConfig, log: Logger): Promise<void> {
  const worker = createWorker(config);
  logWorkerEvents(worker, log);
  let stopRequested = 0;
  const stopping = new AbortController();
  let started: Promise<boolean> = Promise.resolve(false);

  const stop = async (reason: string, exitCode: number) => {
    stopRequested += 1;
    stopping.abort();
    if (stopRequested > 2) return;
    const atOnce = stopRequested === 2;
    if (atOnce) log.warn({ reason }, 'stopping at once: running jobs go back to waiting');
    else log.info({ reason, graceMs: config.graceMs }, 'stopping: no new jobs; waiting for running jobs (signal again to stop at once)');
    try {
      // A second call cuts the first one's grace period short; both settle together.
      const running = await started;
      const summary = running ? await (atOnce ? worker.stopNow() : worker.close({ graceMs: config.graceMs })) : { completed: 0, requeued: 0 };
      log.info({ ...summary }, 'worker stopped');
      process.exit(exitCode);
    } catch (err) {
      log.fatal({ err }, 'worker could not stop cleanly');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal, 0));
  // Operator commands from the dashboard (through Redis, wherever this runs).
  worker.on('quiet', () => log.info('quiet: taking no new jobs; running ones finish (stop or restart the worker to resume)'));
  worker.on('stop-requested', () => void stop('stop command', 0));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (ignored; the worker goes on)'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception: closing gracefully and exiting for a restart');
    void stop('uncaughtException', 1);
  });

  log.info(
    {
      redisUrl: redactUrl(config.connection.redisUrl),
      prefix: config.connection.prefix,
      queues: config.queues,
      concurrency: config.concurrency,
      graceMs: config.graceMs,
      outboxDir: config.outboxDir,
    },
    'worker starting',
  );
  if (config.webhookSecretIsDefault) log.warn('WEBHOOK_SECRET is not set: webhooks are signed with the development secret');
  started = startWithRetry(worker, log, stopping.signal);
  if (await started) {
    log.info('worker started; waiting for jobs');
    await declareSchedules(config, log);
  }
}

/** Starts the worker, retrying while Redis is unreachable; false when a stop came first. */
async function startWithRetry(worker: Worker, log: Logger, stopping: AbortSignal): Promise<boolean> {
  for (let attempt = 1; !stopping.aborted; attempt += 1) {
    try {
      // A stop that comes while this connects waits for it, then closes the worker.
      await worker.start();
      return true;
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      const waitMs = Math.min(250 * 2 ** attempt, START_RETRY_MAX_MS);
      log.error({ err: err.message, attempt, retryInMs: waitMs }, 'Redis is not reachable; retrying');
      await sleep(waitMs, undefined, { signal: stopping }).catch(() => undefined);
    }
  }
  return false;
}
