export type * from './contract.js';
export {
  DELETION_POLICIES,
  RECRAWL_MODES,
  SCHEMA_CHANGE_POLICIES,
  TABLE_ACTIONS,
} from './contract.js';
export { Crawlers } from './crawlers.js';
export type { CrawlersDeps } from './crawlers.js';
export type { CrawlerCatalog, Deprecate } from './registration.js';
export { CRAWLED } from './registration.js';
export { nextRunAfter } from './crawler-definition.js';
