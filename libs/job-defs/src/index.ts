export { defineJob, payloadJsonSchema, DEFAULT_JOB_DEFAULTS } from './lib/contract';
export type {
  AnyJobContract,
  BackoffPolicy,
  HandlerResultOf,
  JobContract,
  JobContractInput,
  JobDefaults,
  ParsedPayloadOf,
  PayloadOf,
  ResultOf,
} from './lib/contract';
export {
  defineSchedule,
  describeTiming,
  nextDueAfter,
  scheduleRunId,
  MIN_SCHEDULE_EVERY_MS,
  SCHEDULE_INVALID_CODE,
  ScheduleDefinitionError,
} from './lib/schedule';
export type { ScheduleDefinition, ScheduleInput, ScheduleJobOptions, ScheduleTiming, ScheduleWindow } from './lib/schedule';
export { QUEUE, QUEUES_BY_PRIORITY } from './lib/queues';
export type { CatalogueQueue } from './lib/queues';
export { sendEmail } from './lib/jobs/send-email';
export { deliverWebhook } from './lib/jobs/deliver-webhook';
export { generateReport, REPORT_TYPES } from './lib/jobs/generate-report';
export { exportDataset } from './lib/jobs/export-dataset';
export { emailExportLink } from './lib/jobs/email-export-link';
export { dailyReport } from './lib/jobs/daily-report';
export { pruneOutbox } from './lib/jobs/prune-outbox';
export { catalogue, catalogueList, findContract } from './lib/catalogue';
export { catalogueSchedules } from './lib/catalogue-schedules';
export type { CatalogueScheduleOptions } from './lib/catalogue-schedules';
export { signWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from './lib/webhook-signature';
/** The schema library contracts are written in, re-exported so services use the same copy. */
export { z } from 'zod';
