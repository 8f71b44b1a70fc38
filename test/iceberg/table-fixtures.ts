import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataFile, MetadataPointer, Schema, TableContext } from '../../src/iceberg/index.js';
import { FileObjectStore } from '../../src/storage/index.js';

/** The metastore's compare-and-swap, in memory; counts lost races. */
export class MemoryPointer implements MetadataPointer {
  current: string | null = null;
  lostRaces = 0;

  async load(): Promise<string | null> {
    return this.current;
  }

  async compareAndSwap(expected: string | null, next: string): Promise<boolean> {
    if (this.current !== expected) {
      this.lostRaces++;
      return false;
    }
    this.current = next;
    return true;
  }
}

export async function tableContext(): Promise<
  TableContext & { pointer: MemoryPointer; dir: string }
> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-iceberg-'));
  const store = await FileObjectStore.open(dir);
  return { store, pointer: new MemoryPointer(), keyPrefix: 'bronze/retail/orders', dir };
}

export const ordersSchema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'country', required: false, type: 'string' },
    { id: 3, name: 'amount', required: false, type: 'double' },
  ],
};

/** A data file of the orders table as a writer would describe it (bounds in Appendix D form). */
export function ordersFile(
  ctx: TableContext,
  name: string,
  rows: number,
  country: string | null,
): DataFile {
  const idBytes = (n: bigint): Uint8Array => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(n);
    return new Uint8Array(b);
  };
  return {
    content: 0,
    filePath: ctx.store.uri(`${ctx.keyPrefix}/data/${name}.parquet`),
    fileFormat: 'PARQUET',
    partition: { country },
    recordCount: BigInt(rows),
    fileSizeInBytes: BigInt(rows * 10 + 100),
    columnSizes: new Map([[1, BigInt(rows * 8)]]),
    valueCounts: new Map([[1, BigInt(rows)]]),
    nullValueCounts: new Map([[1, 0n]]),
    nanValueCounts: new Map(),
    lowerBounds: new Map([[1, idBytes(1n)]]),
    upperBounds: new Map([[1, idBytes(BigInt(rows))]]),
    specId: 0,
  };
}
