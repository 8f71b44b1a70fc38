export type * from './contract.js';
export { INGEST_FORMATS } from './contract.js';
export { BatchIngest } from './batch-ingest.js';
export type { BatchIngestDeps } from './batch-ingest.js';
export { GovernedIngest } from './governed-ingest.js';
export type { GovernedIngestDeps } from './governed-ingest.js';
export * from './streams/index.js';
