export { parseQueueConfig } from './lib/config';
export type { QueueConfig, QueueConfigInput } from './lib/config';
export * from './lib/errors';
export { JOB_STATES, queueKeys, globalKeys, hourOf, minuteOf } from './lib/keys';
export type { FinishedState, GlobalKeys, JobState, QueueKeys } from './lib/keys';
export { parseRunRecord } from './lib/records';
export type { JobProgress, RunRecord, StoredJob, WorkerInfo } from './lib/records';
export { connectRedis, createRedis, redactUrl } from './lib/redis-connection';
export type { RedisConnectionOptions } from './lib/redis-connection';
export { WorkerRegistry } from './lib/worker-registry';
export {
  DURATION_BUCKETS_MS,
  durationBucket,
  estimateQuantile,
  HISTORY_RANGES,
  HISTORY_RETENTION_SECONDS,
  readThroughput,
  readThroughputHistory,
  readNameHistory,
  THROUGHPUT_RETENTION_SECONDS,
} from './lib/throughput';
export { sendJobCancel, sendWorkerCommand, takeWorkerCommands, takeWorkerControl, WORKER_COMMANDS, WORKER_COMMAND_TTL_MS } from './lib/worker-control';
export type { WorkerControl } from './lib/worker-control';
export type { WorkerCommand } from './lib/worker-control';
export { JOB_LOG_MAX_LINES, JOB_LOG_MAX_LINE_CHARS } from './lib/job-log';
export type { JobLogLine } from './lib/job-log';
export type { HistoryRange, NameHistory, ThroughputHistory, ThroughputPoint } from './lib/throughput';
export { QueueClient } from './lib/queue-client';
export type { CancelOutcome } from './lib/job-cancel';
export { MOST_RATE_LIMIT_INTERVAL_MS, MOST_RATE_LIMIT_MAX, parseRateLimit, readQueueFlow } from './lib/flow-control';
export type { QueueFlow, RateLimit } from './lib/flow-control';
export { ScheduleManager, MAX_SCHEDULES_PER_QUEUE } from './lib/schedules';
export type { ScheduleInfo, ScheduleManagerOptions, ScheduleRef, UpsertOutcome } from './lib/schedules';
export { scheduledJobId } from './lib/schedule-jobs';
export type { ScheduledRunMeta } from './lib/records';
export type { EnqueueItem } from './lib/queue-client';
export type { EnqueueOptions } from './lib/enqueue-options';
export { MOST_PARENTS } from './lib/dependencies';
export type { ParentRef } from './lib/dependencies';
export { JobHandle } from './lib/job-handle';
export { JobSubscription } from './lib/job-subscription';
export type {
  JobCanceledEvent,
  JobFailedEvent,
  JobProgressEvent,
  JobSubscriptionEvents,
  JobSucceededEvent,
  SubscribeOptions,
  TypedJobEventBase,
} from './lib/job-subscription';
export { JOB_EVENT_NAMES, lastJobEventId, parseJobEvents, readJobEvents } from './lib/job-events';
export type { JobEvent, JobEventName } from './lib/job-events';
export type { JobStatus, ResultWaitOptions } from './lib/job-handle';
export { handle } from './lib/handler';
export type { BoundHandler, JobContext, JobHandler } from './lib/handler';
export { Worker } from './lib/worker';
export type { CloseSummary, JobFinishedEvent, StalledEvent, WorkerEvents } from './lib/worker';
export type { WorkerOptions } from './lib/worker-options';
export * from './lib/inspect';
