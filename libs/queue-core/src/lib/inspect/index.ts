export { QueueInspector } from './queue-inspector';
export type { QueueInspectorOptions } from './queue-inspector';
export { QueueAdmin, CLEANABLE_STATES, EMPTYABLE_STATES, MOST_BULK_JOBS } from './queue-admin';
export type { BulkOutcome, CleanableState, EmptyableState, QueueAdminOptions } from './queue-admin';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
export { JOB_ID_PATTERN, MOST_JOB_ID_CHARS, NAME_PATTERN } from './names';
export { boundText, shortText, VALUE_LIMITS } from './bounded';
export type { BoundedText } from './bounded';
export type { WorkerView } from './worker-records';
export { JOB_VALUE_FIELDS } from './types';
export { MOST_LISTED_LINKS } from './dependencies';
export type { DependencyLink, JobDependencies } from './dependencies';
export type {
  JobDetail,
  JobOptionsSummary,
  JobRetries,
  JobValueField,
  JobLocation,
  JobPage,
  JobSummary,
  ListJobsOptions,
  NameScan,
  Overview,
  QueueCounts,
} from './types';
