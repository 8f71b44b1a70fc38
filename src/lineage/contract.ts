import type { Caller } from '../governance/index.js';

/** Where one output column of a SELECT comes from. */
export interface ColumnLineage {
  /** Output column name. */
  column: string;
  /** Source columns, by dotted table name (as written, resolved to catalog names). */
  sources: { table: string; column: string }[];
  /** identity: copied as is; expression: computed per row; aggregate: computed over groups. */
  transformation: 'identity' | 'expression' | 'aggregate';
}

/** Table- and column-level lineage of one SELECT, from DuckDB's own parser. */
export interface SqlLineage {
  /** Catalog tables read, dotted, sorted. */
  tables: string[];
  columns: ColumnLineage[];
}

/** One run of a job as lineage records it (and as OpenLineage emits it). */
export interface LineageRun {
  job: string;
  jobVersion: number;
  runId: string;
  eventType: 'START' | 'COMPLETE' | 'FAIL';
  at: string;
  sql: string;
  /** Dotted target table. */
  target: string;
  /** Tables read, with the snapshot each was read at. */
  inputs: { table: string; snapshotId: string | null }[];
  targetSnapshotId: string | null;
  /** Target columns and Iceberg types (the OpenLineage schema facet). */
  schema: { name: string; type: string }[];
  /** The data-quality facet: score and rule outcomes. */
  quality?: { score: number; status: string; rules: { rule: string; status: string }[] };
  error?: string;
}

/** What medallion jobs need of lineage (implemented in src/lineage/). */
export interface LineageRecorder {
  /** Lineage of a SELECT; tables are named as the catalog names them. */
  analyze(sql: string): Promise<SqlLineage>;
  /** Records a run's edges (on COMPLETE) and emits the OpenLineage event when configured. */
  recordRun(caller: Caller, run: LineageRun): Promise<void>;
}
