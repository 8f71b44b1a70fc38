import type { Selectable } from 'kysely';
import { NotFound } from '../errors/index.js';
import { nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { ExternalTablesTable } from './external-table-migration.js';
import type { Executor } from './executor.js';

/** How an external table's raw files are read (the catalog validates it before it gets here). */
export interface ExternalTableRecord {
  tableId: string;
  /** The raw folder's URI, kept as the table's location (tables.location). */
  location: string;
  format: string;
  compression: string;
  csv: { delimiter: string; quote: string; escape: string; header: boolean } | null;
  columns: { name: string; type: string }[];
  partitionColumns: { name: string; type: string }[];
  exclude: string[];
  updatedAt: Date;
}

export type ExternalTableWrite = Omit<ExternalTableRecord, 'tableId' | 'updatedAt'>;

/** External tables: raw files registered in place (location, format, options). */
export interface ExternalTableRepository {
  /** Creates or replaces the table's read options and sets its location, atomically. */
  put(tableId: string, spec: ExternalTableWrite): Promise<ExternalTableRecord>;
  get(tableId: string): Promise<ExternalTableRecord | undefined>;
}

interface StoredOptions {
  csv: ExternalTableRecord['csv'];
  columns: ExternalTableRecord['columns'];
  partitionColumns: ExternalTableRecord['partitionColumns'];
  exclude: string[];
}

function toRecord(
  row: Selectable<ExternalTablesTable> & { location: string },
): ExternalTableRecord {
  const options = JSON.parse(row.options) as StoredOptions;
  return {
    tableId: row.table_id,
    location: row.location,
    format: row.format,
    compression: row.compression,
    csv: options.csv,
    columns: options.columns,
    partitionColumns: options.partitionColumns,
    exclude: options.exclude,
    updatedAt: toDate(row.updated_at),
  };
}

function tableNotFound(tableId: string): NotFound {
  return new NotFound('TABLE_NOT_FOUND', `The table with id ${tableId} does not exist.`, {
    hint: 'List the tables of the namespace to see which exist.',
  });
}

export function externalTableRepository(executor: Executor): ExternalTableRepository {
  const select = (db: Executor['db'], tableId: string) =>
    db
      .selectFrom('external_tables')
      .innerJoin('tables', 'tables.id', 'external_tables.table_id')
      .selectAll('external_tables')
      .select('tables.location')
      .where('external_tables.table_id', '=', tableId)
      .executeTakeFirst();

  return {
    put(tableId, spec) {
      const options: StoredOptions = {
        csv: spec.csv,
        columns: spec.columns,
        partitionColumns: spec.partitionColumns,
        exclude: spec.exclude,
      };
      const row = {
        table_id: tableId,
        format: spec.format,
        compression: spec.compression,
        options: JSON.stringify(options),
        updated_at: nowIso(),
      };
      return executor.atomic(async (tx) => {
        const moved = await tx
          .updateTable('tables')
          .set({ location: spec.location, updated_at: row.updated_at })
          .where('id', '=', tableId)
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) throw tableNotFound(tableId);
        const { table_id: _key, ...changes } = row;
        await translateConstraints(
          () =>
            tx
              .insertInto('external_tables')
              .values(row)
              .onConflict((oc) => oc.column('table_id').doUpdateSet(changes))
              .execute(),
          { foreignKey: () => tableNotFound(tableId) },
        );
        const stored = await select(tx, tableId);
        if (stored === undefined) throw tableNotFound(tableId);
        return toRecord(stored);
      });
    },

    async get(tableId) {
      const row = await select(executor.db, tableId);
      return row && toRecord(row);
    },
  };
}
