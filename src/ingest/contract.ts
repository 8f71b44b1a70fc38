import type { TableIdent } from '../catalog/index.js';

export const INGEST_FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'parquet'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

export interface IngestRequest {
  /** Files, folders (recursive) and globs. */
  paths: string[];
  table: TableIdent;
  /** Detected from the extension (and content) when omitted. */
  format?: IngestFormat;
  sourceSystem?: string;
  mode?: 'append' | 'overwrite';
  /**
   * With mode overwrite: replace only the rows matching this SQL condition over the
   * table's columns (copy-on-write); every loaded row must match it.
   */
  where?: string;
  /** Load files even when the same content was loaded into this table before. */
  force?: boolean;
  csv?: { delimiter?: string; header?: boolean; quote?: string };
  /** Shown as the owner of the tables and namespaces the load creates (the governed ingest sets it). */
  owner?: string;
  onProgress?: (event: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface IngestProgress {
  phase: 'scan' | 'load' | 'commit';
  file?: string;
  filesDone: number;
  filesTotal: number;
  rows: number;
}

export interface IngestedFile {
  path: string;
  sha256: string;
  sizeBytes: number;
  rows: number;
  rejected: number;
  /** Why it was not loaded (already loaded, …); absent when loaded. */
  skipped?: string;
}

export interface IngestSummary {
  table: string;
  batchId: string;
  snapshotId: string | null;
  mode: 'append' | 'overwrite';
  format: IngestFormat | 'mixed';
  createdTable: boolean;
  files: IngestedFile[];
  rowsWritten: number;
  rowsRejected: number;
  /** Name of the rejects table when rows were rejected. */
  rejectsTable: string | null;
  /** e.g. "added column Discount (double)", "widened Quantity int -> long". */
  schemaChanges: string[];
  elapsedMs: number;
}

export interface IngestService {
  ingest(request: IngestRequest): Promise<IngestSummary>;
}
