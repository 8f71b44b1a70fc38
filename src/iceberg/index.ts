// Public surface of the Iceberg table format. Sections are kept by the parts that own them.
export type * from './types.js';
export { DataFileContent, ManifestEntryStatus } from './types.js';
export type { Expression } from './expression.js';
export type * from './table-contract.js';
// --- schema, types, transforms, values, stats, scan evaluation (iceberg primitives) ---
export {
  canPromote,
  decimalParams,
  decimalType,
  fixedLength,
  isPrimitive,
  parseType,
  typeToString,
} from './primitive-types.js';
export {
  allFieldIds,
  assignFreshIds,
  childFields,
  fieldById,
  findField,
  highestFieldId,
  indexById,
  indexByName,
  schemasEqual,
} from './schema.js';
export type { IndexedField } from './schema.js';
export { applySchemaChanges } from './schema-evolution.js';
export { decimalToUnscaled, unscaledToDecimal } from './decimal.js';
export { compareBytes, compareStrings, compareValues, fromBinary, toBinary } from './values.js';
export {
  DEFAULT_TRUNCATE_LENGTH,
  truncateLowerBound,
  truncateUpperBound,
} from './bound-truncation.js';
export { murmur3_32 } from './murmur3.js';
export {
  applyTransform,
  bucketHash,
  canTransform,
  describeTransform,
  parseTransform,
  requireTransform,
  transformResultType,
  transformToString,
} from './transforms.js';
export type { TransformSpec } from './transforms.js';
export { partitionPath, partitionValueText, partitionValueToPath } from './partition-path.js';
export { formatDate, formatTimestamp } from './temporal.js';
export { dataFileFromParquet } from './parquet-stats.js';
export { parquetTopLevelColumns } from './parquet-columns.js';
export type { ParquetStatsOptions } from './parquet-stats.js';
export {
  fileFilter,
  fileMayMatch,
  manifestMayMatch,
  metricsMayMatch,
  partitionMayMatch,
} from './evaluator.js';
export type { FileFilter } from './evaluator.js';
export { rewriteNot } from './rewrite-not.js';
export type { Predicate } from './rewrite-not.js';
// --- metadata, manifests, snapshots, table operations, commit (iceberg table) ---
export { parseTableMetadata, serializeTableMetadata } from './metadata-json.js';
export { readManifest, writeManifest } from './manifest.js';
export type { ManifestWrite } from './manifest.js';
export { readManifestList, writeManifestList } from './manifest-list.js';
export type { ManifestListWrite } from './manifest-list.js';
export { decodeAvroFile } from './avro-file.js';
export { buildSummary } from './snapshot-summary.js';
export { commitUpdate } from './commit.js';
export type { MetadataUpdate } from './commit.js';
export { createTable, loadTable } from './create-table.js';
export type { MetadataVersion } from './metadata-files.js';
// --- snapshot expiry (maintenance) ---
export { EXPIRY_DEFAULTS, EXPIRY_PROPERTIES } from './snapshot-retention.js';
export { checkGcEnabled, expiryDue, tableRetention } from './expire-snapshots.js';
