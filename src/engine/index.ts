export type * from './ports.js';
// --- query path (sessions, analysis, governed compile, results) ---
export { QueryEngine } from './query-engine.js';
export type { QueryEngineOptions } from './query-engine.js';
export type { SandboxPoolLimits } from './sandbox-pool.js';
export { formatTable } from './format-table.js';
export { sqlLineage } from './sql-lineage.js';
export type {
  LineageTransformation,
  OutputColumnLineage,
  QueryLineage,
  SourceColumn,
  TableColumns,
} from './sql-lineage.js';
export { renameTablesInSql } from './table-renames.js';
export type { RenamedSql, TableRenaming } from './table-renames.js';
// --- write path (types mapping, Parquet writing, partitioning, table writes) ---
export { quoteIdent, quoteLiteral } from './sql-quote.js';
export { openSession, openSessionHost } from './session.js';
export type { Session, SessionHost, SessionOptions } from './session.js';
export { icebergToDuckType, duckToIcebergType, schemaFromDuckColumns } from './types-mapping.js';
export { scanSql, tableScanSql } from './scan-sql.js';
export type { ScanSqlOptions } from './scan-sql.js';
export { parsePredicate } from './predicate.js';
export type { ParsedPredicate } from './predicate.js';
export { writeDataFiles } from './table-writer.js';
export type { WriteFilesOptions, WrittenFiles } from './table-writer.js';
export { appendQuery, overwriteQuery, deleteWhere } from './table-writes.js';
export type { TableWriteOptions, OverwriteOptions, QueryWriteResult } from './table-writes.js';
export { planMergeRemoval } from './table-merge.js';
export type { MergeRemoval } from './table-merge.js';
// --- governance support (data filters, column masks, audit, limits) ---
export type { PredicateOptions } from './predicate.js';
export { bindCallerFunctions } from './caller-functions.js';
export type { Caller } from './caller-functions.js';
export { parseColumnExpression } from './column-expression.js';
export type { ColumnExpressionOptions } from './column-expression.js';
export { redactLiterals } from './redact-literals.js';
// --- raw-file inspection (crawlers) ---
export {
  estimateTextRecordCount,
  inspectFileSet,
  readParquetFooters,
  sniffCsvDialect,
} from './file-inspection.js';
export type {
  CsvDialectFound,
  FileSetInspection,
  InspectedColumn,
  InspectedCompression,
  InspectedFormat,
  ParquetFooter,
} from './file-inspection.js';
