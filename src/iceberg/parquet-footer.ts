import { parquetMetadata } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { InvalidInput } from '../errors/index.js';
import type { ObjectStore } from '../storage/index.js';

/** Statistics exactly as the file stores them (plain-encoded bytes), per row group and column. */
export interface RawStatistics {
  min?: Uint8Array;
  max?: Uint8Array;
  /** True when min/max come from the deprecated fields (signed byte order for binaries). */
  deprecated: boolean;
}

export interface ParquetFooter {
  fileSize: number;
  metadata: FileMetaData;
  /** [rowGroup][column] */
  rawStatistics: (RawStatistics | undefined)[][];
}

const MAGIC = 'PAR1';

function notParquet(key: string, why: string): InvalidInput {
  return new InvalidInput('INVALID_PARQUET', `${key} is not a readable Parquet file: ${why}.`, {
    hint: 'Check that the file is complete and was written as Parquet.',
  });
}

/** Reads only the footer of a Parquet object: two range reads, never the data. */
export async function readParquetFooter(store: ObjectStore, key: string): Promise<ParquetFooter> {
  const info = await store.head(key);
  if (!info) throw notParquet(key, 'it does not exist');
  const fileSize = info.size;
  if (fileSize < 12) throw notParquet(key, 'it is too short');
  const tail = await store.getRange(key, fileSize - 8, fileSize);
  if (Buffer.from(tail.subarray(4)).toString('latin1') !== MAGIC) {
    throw notParquet(key, 'the footer magic bytes are missing');
  }
  const length = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
  if (length + 12 > fileSize) throw notParquet(key, 'the footer length is larger than the file');
  const footer = await store.getRange(key, fileSize - 8 - length, fileSize);
  try {
    return { fileSize, metadata: parquetMetadata(footer), rawStatistics: rawStatistics(footer) };
  } catch (err) {
    if (err instanceof InvalidInput) throw err;
    throw notParquet(key, err instanceof Error ? err.message : 'the footer cannot be decoded');
  }
}

type Thrift = Record<string, unknown>;

const isThrift = (v: unknown): v is Thrift => typeof v === 'object' && v !== null;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asBytes = (v: unknown): Uint8Array | undefined => (v instanceof Uint8Array ? v : undefined);

/**
 * hyparquet turns statistics into JS values (decimals into floats, binaries into
 * text), which loses bounds; the thrift fields keep the exact bytes.
 */
function rawStatistics(footer: Uint8Array): (RawStatistics | undefined)[][] {
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const fileMetadata: Thrift = deserializeTCompactProtocol({ view, offset: 0 });
  return asList(fileMetadata.field_4).map((rowGroup) =>
    asList(isThrift(rowGroup) ? rowGroup.field_1 : undefined).map((column) => {
      const meta = isThrift(column) ? column.field_3 : undefined;
      const stats = isThrift(meta) ? meta.field_12 : undefined;
      if (!isThrift(stats)) return undefined;
      const min = asBytes(stats.field_6);
      const max = asBytes(stats.field_5);
      if (min || max) return { min, max, deprecated: false };
      return { min: asBytes(stats.field_2), max: asBytes(stats.field_1), deprecated: true };
    }),
  );
}
