export type * from './contract.js';
export { JOB_MODES, RUN_STATUSES } from './contract.js';
export { Jobs } from './jobs.js';
export type { JobsDeps } from './jobs.js';
export type {
  ApplyReport,
  JobDetails,
  JobExecutor,
  JobVersionView,
  JobView,
  RunTrigger,
  RunView,
} from './job-views.js';
export type { JobFile, JobFileIssue } from './job-yaml.js';
export { JobRunner } from './job-runner.js';
export { RunPropertyWrites } from './run-property-writes.js';
export type { JobRunnerDeps } from './job-runner.js';
export { RUN_SUMMARY } from './incremental.js';
