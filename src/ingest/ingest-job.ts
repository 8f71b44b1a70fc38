import type { CatalogService, TableIdent } from '../catalog/index.js';
import type { LakewardConfig } from '../config/index.js';
import type { Session, SessionOptions } from '../engine/index.js';
import { Cancelled } from '../errors/index.js';
import type { Metastore } from '../metastore/index.js';
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
