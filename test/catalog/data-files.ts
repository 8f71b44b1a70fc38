import type { DataFile } from '../../src/iceberg/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

/**
 * A data file entry for catalog-level tests: the catalog only plans and locates
 * files, it never reads them, so the bytes need not be Parquet here.
 */
export async function stagedDataFile(
  store: ObjectStore,
  key: string,
  rows: number,
): Promise<DataFile> {
  const bytes = new Uint8Array(100 + rows);
  await store.put(key, bytes);
  return {
    content: 0,
    filePath: store.uri(key),
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: BigInt(rows),
    fileSizeInBytes: BigInt(bytes.length),
    columnSizes: new Map(),
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
    specId: 0,
  };
}
