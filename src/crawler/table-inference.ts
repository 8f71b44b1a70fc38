import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExternalTableSpec } from '../catalog/index.js';
import { estimateTextRecordCount, inspectFileSet } from '../engine/index.js';
import type { Session } from '../engine/index.js';
import { partitionColumns, type TableCandidate } from './grouping.js';

/** A table as the crawler found it: what to register and the facts to record on it. */
export interface FoundTable {
  spec: ExternalTableSpec;
  fileCount: number;
  sizeBytes: number;
  recordCount: number;
}

/** Files whose heads are read to type the columns; spread over the table, first and last in. */
const SAMPLED_FILES = 16;

/**
 * Infers a table's columns from a sample of its files (heads of text files, footers of
 * Parquet), its dialect, and its size and record count (exact from Parquet footers,
 * estimated for text from the average row size in each file's head).
 */
export async function inferTable(
  session: Session,
  root: string,
  candidate: TableCandidate,
  exclude: string[],
  parquetRows: Map<string, number>,
): Promise<FoundTable> {
  const inspected = await inspectFileSet(
    session,
    sample(candidate.files).map((f) => f.path),
    candidate.format,
    candidate.compression,
  );
  const partitions = partitionColumns(candidate);
  const partitionNames = new Set(partitions.map((p) => p.name.toLowerCase()));
  const header = inspected.csv?.header ?? true;
  let recordCount = 0;
  for (const file of candidate.files) {
    recordCount +=
      candidate.format === 'parquet'
        ? (parquetRows.get(file.path) ?? 0)
        : estimateTextRecordCount({
            sizeBytes: file.sizeBytes,
            sample: file.class.head,
            sampledInputBytes: file.class.headInputBytes,
            format: candidate.format,
            header,
          });
  }
  const folder = candidate.folder === '' ? root : path.join(root, ...candidate.folder.split('/'));
  const spec: ExternalTableSpec = {
    location: pathToFileURL(folder).href,
    format: candidate.format === 'tsv' ? 'csv' : candidate.format,
    compression: candidate.compression,
    ...(inspected.csv === undefined ? {} : { csv: inspected.csv }),
    columns: inspected.columns
      .filter((c) => !partitionNames.has(c.name.toLowerCase()))
      .map((c) => ({ name: c.name, type: c.type })),
    partitionColumns: partitions,
    exclude: [...new Set([...candidate.exclude, ...rebased(exclude, candidate.folder)])],
  };
  return {
    spec,
    fileCount: candidate.files.length,
    sizeBytes: candidate.files.reduce((sum, f) => sum + f.sizeBytes, 0),
    recordCount,
  };
}

function sample<T>(files: T[]): T[] {
  if (files.length <= SAMPLED_FILES) return files;
  const step = (files.length - 1) / (SAMPLED_FILES - 1);
  return Array.from({ length: SAMPLED_FILES }, (_, i) => files[Math.round(i * step)]!);
}

/**
 * The crawler's exclusion globs (relative to its target) as globs relative to the
 * table's folder: '**'-led ones apply anywhere, others only below their own folder.
 */
function rebased(globs: string[], folder: string): string[] {
  if (folder === '') return globs;
  return globs.flatMap((glob) => {
    if (glob.startsWith('**/')) return [glob];
    return glob.startsWith(`${folder}/`) ? [glob.slice(folder.length + 1)] : [];
  });
}
