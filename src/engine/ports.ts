import type { Expression, Schema } from '../iceberg/index.js';

/** `FROM t AT (VERSION => 123)` or `FROM t AT (TIMESTAMP => TIMESTAMP '2026-01-01 10:00:00')`. */
export type TimeTravel =
  { kind: 'snapshot'; snapshotId: bigint } | { kind: 'timestamp'; timestampMs: number };

export interface TableReference {
  /** The name as written: ['bronze', 'retail', 'invoices'] (catalog, schema, table). */
  parts: string[];
  at?: TimeTravel;
  /** Conjuncts of the query's WHERE on this table, for file pruning only (never for security). */
  filter?: Expression;
  /**
   * Only these data files (URIs) of the snapshot: what an incremental job run reads of a
   * source. Given before files are planned into a read, so the others are never opened.
   */
  onlyFiles?: ReadonlySet<string>;
}

/**
 * A table as the query may see it. The governance issue adds the caller's visible
 * columns, masks and row filters here; the engine applies whatever it is given.
 */
export interface ResolvedTable {
  /** Canonical dotted name, e.g. 'bronze.retail.invoices'. */
  name: string;
  /** Columns are read by field id, so renamed columns keep their data. */
  schema: Schema;
  /** Local paths of the Parquet data files to read (already localised by the resolver). */
  dataFiles: string[];
  /**
   * Data files written with exactly `schema` (same names, ids and types), which the
   * engine may read by column name: much faster than the field-id mapping that the
   * files in `dataFiles` need. Optional; resolvers that cannot tell leave it out.
   */
  namedFiles?: string[];
  snapshotId: bigint | null;
  /** Column names the caller may see, in order; all top-level columns when omitted. */
  columns?: string[];
  /** SQL expression per column name that replaces the column's value (column masks). */
  masks?: Record<string, string>;
  /** SQL boolean over the table's columns; rows where it is not true are invisible. */
  rowFilter?: string;
  /**
   * Set for an external table: `dataFiles` are then its raw files (already checked to
   * lie inside an allowed location), read by name as this says; no snapshot, no field ids.
   */
  external?: ExternalSource;
}

export type RawFormat = 'parquet' | 'csv' | 'json' | 'ndjson';

/** How the raw files of an external table are read. */
export interface ExternalSource {
  format: RawFormat;
  /** CSV dialect (single characters); DuckDB's defaults when omitted. */
  csv?: { delimiter: string; quote: string; escape: string; header: boolean };
  /**
   * Columns of the schema whose values come from `name=value` folders of each file's
   * path (Hive style) rather than from the file; the others are read from the files.
   */
  partitionColumns: string[];
}

/** Turns table references found in a query into readable tables; the catalog implements it. */
export interface TableResolver {
  resolve(ref: TableReference): Promise<ResolvedTable>;
  /**
   * Optional: what the caller sees of the table (schema, columns, masks) without
   * planning its files. The engine needs this to build a pruning `filter`; when
   * absent it calls resolve() twice for a filtered one-table query.
   */
  describe?(
    ref: TableReference,
  ): Promise<Pick<ResolvedTable, 'name' | 'schema' | 'columns' | 'masks'>>;
}

export interface QueryOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  memoryLimit?: string;
  /** Rows kept in a materialised result; more rows set `truncated`. */
  maxRows?: number;
}

export interface ResultColumn {
  name: string;
  /** DuckDB type name, e.g. BIGINT, VARCHAR, DECIMAL(10,2), TIMESTAMP. */
  type: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  /** JSON-safe values: bigints beyond 2^53 as strings, dates/timestamps as ISO strings. */
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  /** Tables read, with the snapshot each was read at (for audit and lineage). */
  tablesRead: { name: string; snapshotId: string | null }[];
  elapsedMs: number;
}

export type StreamFormat = 'csv' | 'ndjson';
