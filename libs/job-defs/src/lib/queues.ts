/** The example catalogue's queues. */
export const QUEUE = Object.freeze({
  /** Short, user-facing work: emails, webhooks. */
  high: 'high_priority',
  /** Heavy or long work: reports, exports. */
  low: 'low_priority',
} as const);

/** A queue of the example catalogue. */
export type CatalogueQueue = (typeof QUEUE)[keyof typeof QUEUE];

/**
 * Priority order workers serve the catalogue's queues in: whenever a worker has a
 * free slot it takes from the first queue that has waiting jobs.
 */
export const QUEUES_BY_PRIORITY: readonly CatalogueQueue[] = Object.freeze([QUEUE.high, QUEUE.low]);
