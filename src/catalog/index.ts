export type * from './contract.js';
export { LAYERS } from './contract.js';
export {
  checkNamespace,
  checkTableIdent,
  formatNamespace,
  formatTableName,
  isLayer,
  parseNamespace,
  parseTableName,
} from './names.js';
export { Catalog } from './catalog.js';
export type { CatalogOptions, OpenedTable } from './catalog.js';
export type { DeletedRows, RowChangeOptions } from './row-changes.js';
export { CatalogResolver, identOfReference } from './table-resolver.js';
export { MIRRORED_PROPERTIES } from './create-request.js';
export { QueryService } from './query-service.js';
export type { QueryDefaults } from './query-service.js';
