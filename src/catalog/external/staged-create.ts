import { InternalError } from '../../errors/index.js';
import { createTable, loadTable } from '../../iceberg/index.js';
import type {
  CreateTableRequest,
  IcebergTable,
  MetadataPointer,
  TableContext,
} from '../../iceberg/index.js';

/**
 * Builds the table on a pointer of its own, then swaps the metastore's pointer from
 * nothing to the finished version: until then the row has no metadata and stays hidden.
 */
export async function createFilled(
  context: TableContext,
  request: CreateTableRequest,
  fill: (table: IcebergTable) => Promise<IcebergTable>,
): Promise<IcebergTable> {
  const staged = await fill(await createTable({ ...context, pointer: stagedPointer() }, request));
  if (!(await context.pointer.compareAndSwap(null, staged.metadataLocation))) {
    throw new InternalError(`Table ${context.keyPrefix} was created by someone else meanwhile.`);
  }
  return loadTable(context);
}

/** A new table's first metadata, written where no metastore row points yet. */
export function createStaged(
  context: Omit<TableContext, 'pointer'>,
  request: CreateTableRequest,
): Promise<IcebergTable> {
  return createTable({ ...context, pointer: stagedPointer() }, request);
}

function stagedPointer(): MetadataPointer {
  let current: string | null = null;
  return {
    load: () => Promise.resolve(current),
    compareAndSwap: (expected, next) => {
      if (current !== expected) return Promise.resolve(false);
      current = next;
      return Promise.resolve(true);
    },
  };
}
