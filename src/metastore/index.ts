export type * from './repositories.js';
export type * from './governance-repositories.js';
export { TableKind } from './repositories.js';
export { openMetastore } from './open-metastore.js';
