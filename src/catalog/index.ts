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
export type { QueryGovernance } from './query-service.js';
// --- governance of the catalog use cases ---
export { AccessGate } from './access-gate.js';
export type { AccessCheck, AuditFacts, UseCase } from './access-gate.js';
export { GovernedCatalog } from './governed-catalog.js';
export type { GovernedCatalogDeps } from './governed-catalog.js';
export { requireWholeTableRead } from './whole-table-read.js';
export type { RowChangeByCondition, WholeTableReadContext } from './whole-table-read.js';
export { GovernedResolver } from './governed-resolver.js';
export type { AuditTable, TableRead } from './governed-resolver.js';
export {
  CATALOG,
  CatalogSecurables,
  missingNamespaces,
  namespaceSecurable,
  parentOf,
  tableSecurable,
} from './catalog-securables.js';
export { CatalogChanges } from './catalog-changes.js';
export { CERTIFICATIONS, EXTERNAL_FORMATS } from './contract.js';
