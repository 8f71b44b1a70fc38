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
export { renameOf, renamedTablePath } from './renamed-paths.js';
export type { PathRename } from './renamed-paths.js';
export { CERTIFICATIONS, EXTERNAL_FORMATS } from './contract.js';
export {
  Classifications,
  DEFAULT_SAMPLE_SIZE,
  MAX_SAMPLE_SIZE,
} from './classification/classifications-service.js';
export type {
  ClassificationsDeps,
  ClassifyOptions,
  ClassifyResult,
} from './classification/classifications-service.js';
export {
  CLASSIFICATION_TAG_KEY,
  CLASSIFICATIONS,
  SUGGESTION_STATUSES,
} from './classification/classifications.js';
export type {
  Classification,
  ClassificationSuggestion,
  SuggestionStatus,
} from './classification/classifications.js';
// --- schema history and the business glossary ---
export { parseSchemaId } from './schema-history.js';
export type { SchemaVersion } from './schema-history.js';
export { isEmptyDiff } from './schema-diff.js';
export type { DiffField, SchemaDiff } from './schema-diff.js';
export { Glossary } from './glossary/glossary.js';
export type { GlossaryDeps } from './glossary/glossary.js';
export { BUSINESS_METRIC_PROPERTY, LINK_KINDS, TERM_STATUSES } from './glossary/glossary-types.js';
export type * from './glossary/glossary-types.js';
// --- search ---
export { SearchIndexer, governanceChange } from './search/search-indexer.js';
export type { SearchIndexerDeps } from './search/search-indexer.js';
export { metastoreListing } from './search/search-listing.js';
export type { SearchListing, VolumeFacts } from './search/search-listing.js';
export { SearchService } from './search/search-service.js';
export type { SearchServiceDeps } from './search/search-service.js';
export { FACETS, SEARCH_KINDS } from './search/search-types.js';
export type { Facet, SearchAnswer, SearchHit, SearchRequest } from './search/search-types.js';
export type { TableUsage } from './query-service.js';
// --- business metadata ---
export { CatalogMetadata } from './metadata/catalog-metadata.js';
export type {
  CatalogMetadataDeps,
  MetadataChange,
  MetadataPatch,
} from './metadata/catalog-metadata.js';
export type { SecurableMetadata } from './metadata/metadata-view.js';
export type { BusinessOwnerInput, CertificationInput } from './metadata/metadata-input.js';
export { METADATA_KINDS, parseTarget } from './metadata/metadata-target.js';
export type { MetadataKind, MetadataTarget } from './metadata/metadata-target.js';
export { PropertyDefinitions } from './metadata/property-definitions.js';
export type { PropertyDefinitionsDeps, PropertyPatch } from './metadata/property-definitions.js';
export { PROPERTY_TYPES, ruleText } from './metadata/property-rules.js';
export type {
  PropertyDefinition,
  PropertyDefinitionInput,
  PropertyType,
} from './metadata/property-rules.js';
// --- external locations (crawlers check their targets the way external tables do) ---
export { ExternalLocations, localPathOf } from './external/external-locations.js';
export type { CheckedLocation } from './external/external-locations.js';
// --- volumes of unstructured files ---
export { Volumes } from './volumes/volumes.js';
export { volumeExists } from './volumes/volume-access.js';
export type { VolumesDeps } from './volumes/volumes.js';
export type { ListedFile, VolumeFiles } from './volumes/volume-files.js';
export { formatVolumeName, parseVolumeName } from './volumes/volume-names.js';
export type { VolumeIdent } from './volumes/volume-names.js';
export type * from './volumes/volume-views.js';
export type { VolumeTables } from './governed-resolver.js';
// --- external tables (raw files registered in place) ---
export { fileEndings, listRawFiles } from './external/raw-files.js';
export type { RawFile } from './external/raw-files.js';
export { requireRawFileRegistration } from './external/raw-file-registration.js';
// --- compaction of small data files ---
export {
  COMPACTION_SUMMARY_KEYS,
  TableCompaction,
  compactsInBackground,
} from './compaction/table-compaction.js';
export type {
  CompactedPartition,
  CompactionDefaults,
  CompactionResult,
  CompactOptions,
  TableCompactionDeps,
} from './compaction/table-compaction.js';
// --- snapshot expiry (old snapshots and the files only they reach) ---
export {
  TableSnapshotExpiry,
  expiresInBackground,
} from './snapshot-expiry/table-snapshot-expiry.js';
export type {
  SnapshotExpiryDefaults,
  SnapshotExpiryResult,
  TableSnapshotExpiryDeps,
} from './snapshot-expiry/table-snapshot-expiry.js';
export type { ExpireSnapshotsRequest } from './snapshot-expiry/expiry-request.js';
