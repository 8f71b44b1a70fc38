export type * from './contract.js';
export { JOB_MODES, RUN_STATUSES } from './contract.js';
