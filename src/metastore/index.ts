export type * from './repositories.js';
export { TableKind } from './repositories.js';
export { openMetastore } from './open-metastore.js';
