export type * from './repositories.js';
export { TableKind } from './repositories.js';
