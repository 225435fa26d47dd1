import type { AnyJobContract } from '@jobq/job-defs';
import type { EnqueueOptions, QueueAdmin, QueueInspector, ScheduleManager } from '@jobq/queue-core';
import type { Logger } from 'pino';
import type { Links } from '../presenters/links';
import type { Views } from '../views';

/** Puts a job on its queue; the real one is queue-core's `QueueClient`. */
export interface Enqueuer {
  /**
   * Validates `payload` against the contract (throwing `PayloadValidationError`)
   * and the options (throwing `InvalidArgumentError`), and enqueues it.
   */
  enqueue(contract: AnyJobContract, payload: unknown, options?: EnqueueOptions): Promise<{ readonly id: string }>;
}

/** What every route module needs. */
export interface RouteContext {
  readonly views: Views;
  readonly inspector: QueueInspector;
  readonly admin: QueueAdmin;
  readonly schedules: ScheduleManager;
  readonly links: Links;
  readonly contracts: readonly AnyJobContract[];
  readonly enqueuer: Enqueuer;
  /** Path for the dashboard's cookies (the URL prefix, or `/`). */
  readonly cookiePath: string;
  readonly logger: Logger;
  readonly now: () => number;
}
