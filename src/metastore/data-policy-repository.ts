import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { ColumnMasksTable, DataFiltersTable } from './database.js';
import type { Executor } from './executor.js';
import type {
  ColumnMaskRecord,
  DataFilterRecord,
  DataPolicyRepository,
} from './governance-repositories.js';
import {
  byText,
  fromGrantees,
  nonEmptyPathText,
  parsePath,
  toGrantees,
  toStrings,
} from './securable-codec.js';

function toFilter(row: Selectable<DataFiltersTable>): DataFilterRecord {
  return {
    id: row.id,
    name: row.name,
    table: parsePath(row.table_path),
    rowPredicate: row.row_predicate,
    columnMode: row.column_mode as DataFilterRecord['columnMode'],
    columns: toStrings(row.columns),
    grantees: toGrantees(row.grantees),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
  };
}

function toMask(row: Selectable<ColumnMasksTable>): ColumnMaskRecord {
  return {
    id: row.id,
    table: parsePath(row.table_path),
    column: row.column_name,
    function: row.function,
    expression: row.expression,
    exempt: toGrantees(row.exempt),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
  };
}

function notFound(what: 'filter' | 'mask', id: string): NotFound {
  const [code, noun] =
    what === 'filter' ? ['FILTER_NOT_FOUND', 'data filter'] : ['MASK_NOT_FOUND', 'column mask'];
  return new NotFound(code, `No ${noun} has the id ${id}.`, {
    hint: `List the ${noun}s of the table to see which exist.`,
  });
}

export function dataPolicyRepository(executor: Executor): DataPolicyRepository {
  const { db } = executor;

  return {
    async createFilter(f) {
      const row = {
        id: randomUUID(),
        name: checkName(f.name, 'data filter'),
        table_path: nonEmptyPathText(f.table),
        row_predicate: f.rowPredicate,
        column_mode: f.columnMode,
        columns: JSON.stringify(f.columns),
        grantees: fromGrantees(f.grantees),
        created_by: f.createdBy,
        created_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('data_filters').values(row).execute(), {
        unique: () =>
          new AlreadyExists(
            'FILTER_ALREADY_EXISTS',
            `The table ${f.table.join('.')} already has a data filter named "${f.name}".`,
            { hint: 'Choose another name, or change the grantees of the existing filter.' },
          ),
      });
      return toFilter(row);
    },

    async updateFilter(id, patch) {
      const row =
        patch.grantees === undefined
          ? await db.selectFrom('data_filters').selectAll().where('id', '=', id).executeTakeFirst()
          : await db
              .updateTable('data_filters')
              .set({ grantees: fromGrantees(patch.grantees) })
              .where('id', '=', id)
              .returningAll()
              .executeTakeFirst();
      if (!row) throw notFound('filter', id);
      return toFilter(row);
    },

    async deleteFilter(id) {
      const result = await db.deleteFrom('data_filters').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound('filter', id);
    },

    async listFilters() {
      const rows = await db.selectFrom('data_filters').selectAll().execute();
      return rows.sort(byText((r) => `${r.table_path}\u0000${r.name}`)).map(toFilter);
    },

    async setMask(m) {
      const values = {
        id: randomUUID(),
        table_path: nonEmptyPathText(m.table),
        column_name: checkName(m.column, 'column'),
        function: m.function,
        expression: m.expression,
        exempt: fromGrantees(m.exempt),
        created_by: m.createdBy,
        created_at: nowIso(),
      };
      // A replaced mask keeps its id, so references to it in audit records stay meaningful.
      const row = await db
        .insertInto('column_masks')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['table_path', 'column_name']).doUpdateSet({
            function: values.function,
            expression: values.expression,
            exempt: values.exempt,
            created_by: values.created_by,
            created_at: values.created_at,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMask(row);
    },

    async deleteMask(id) {
      const result = await db.deleteFrom('column_masks').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound('mask', id);
    },

    async listMasks() {
      const rows = await db.selectFrom('column_masks').selectAll().execute();
      return rows.sort(byText((r) => `${r.table_path}\u0000${r.column_name}`)).map(toMask);
    },
  };
}
