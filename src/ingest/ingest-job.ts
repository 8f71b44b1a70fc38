import type { CatalogService, TableIdent } from '../catalog/index.js';
import type { LakewardConfig } from '../config/index.js';
import type { Session, SessionOptions } from '../engine/index.js';
import { Cancelled } from '../errors/index.js';
import type { IcebergTable } from '../iceberg/index.js';
import type { Metastore } from '../metastore/index.js';
import type { BatchFacts } from './bronze-columns.js';
import type { IngestProgress, IngestRequest } from './contract.js';
import type { TypedFile } from './file-format.js';

export interface BatchIngestDeps {
  catalog: CatalogService;
  /** Its ingestedFiles repository remembers what each table already holds. */
  metastore: Metastore;
  openSession: (options: SessionOptions) => Promise<Session>;
  config: LakewardConfig;
  /** Local scratch space: DuckDB spills here and rows are staged here before the commit. */
  tempDir: string;
}

/** A file with its checksum, and why it is left out when it is. */
export interface CheckedFile extends TypedFile {
  sha256: string;
  skipped?: string;
}

/** One ingest command's state while it loads. */
export interface BatchJob {
  deps: BatchIngestDeps;
  session: Session;
  /** A private folder for this command's temporary files. */
  scratch: string;
  request: IngestRequest;
  mode: 'append' | 'overwrite';
  files: CheckedFile[];
  allFiles: number;
  table: IcebergTable | undefined;
  facts: BatchFacts;
  progress: (event: IngestProgress) => void;
}

export function tableName(ident: TableIdent): string {
  return [...ident.namespace, ident.name].join('.');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new Cancelled('The ingest was cancelled; nothing was committed.', {
      hint: 'Run the command again to load the files.',
    });
  }
}
