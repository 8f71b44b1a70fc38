import { NotFound } from '../errors/index.js';
import type { MetadataPointer } from '../iceberg/index.js';
import type { TableRepository } from '../metastore/index.js';

/**
 * The table's metastore row as Iceberg's commit pointer: the metadata location is
 * swapped atomically there, so two writers can never both win.
 */
export function metastorePointer(
  tables: TableRepository,
  tableId: string,
  displayName: string,
): MetadataPointer {
  return {
    async load() {
      const record = await tables.getById(tableId);
      if (record === undefined) {
        throw new NotFound('TABLE_NOT_FOUND', `Table ${displayName} was dropped.`, {
          hint: 'Create the table again or load another one.',
        });
      }
      return record.metadataLocation;
    },
    compareAndSwap(expected, next) {
      return tables.compareAndSwapMetadata(tableId, expected, next);
    },
  };
}
