export { QueueInspector } from './queue-inspector';
export type { QueueInspectorOptions } from './queue-inspector';
export { QueueAdmin, EMPTYABLE_STATES } from './queue-admin';
export type { EmptyableState, QueueAdminOptions } from './queue-admin';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
export { JOB_ID_PATTERN, NAME_PATTERN } from './names';
export type {
  JobDetail,
  JobLocation,
  JobPage,
  JobSummary,
  ListJobsOptions,
  NameScan,
  Overview,
  QueueCounts,
} from './types';
