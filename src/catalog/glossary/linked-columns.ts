import { InvalidInput, LakewardError, NotFound } from '../../errors/index.js';
import type { IcebergTable } from '../../iceberg/index.js';
import { findField, indexById } from '../../iceberg/index.js';
import type { GlossaryLinkRecord } from '../../metastore/index.js';
import type { CatalogService, TableIdent } from '../contract.js';
import { formatTableName } from '../names.js';

/** A table's columns as links need them: Iceberg tables by field id, external ones by name. */
interface TableColumns {
  /** Current dotted name of a field id; undefined when the field was dropped. */
  nameOf(fieldId: number): string | undefined;
  /** The column by the name a user typed (exact, else ignoring case when unambiguous). */
  find(name: string): { name: string; fieldId: number | null } | undefined;
}

function icebergColumns(table: IcebergTable): TableColumns {
  const schema = table.schema();
  const byId = indexById(schema);
  return {
    nameOf: (id) => byId.get(id)?.path.join('.'),
    find: (name) => {
      const field = findField(schema, name);
      const path = field && byId.get(field.id)?.path;
      return path && { name: path.join('.'), fieldId: field!.id };
    },
  };
}

function namedColumns(names: string[]): TableColumns {
  return {
    nameOf: () => undefined,
    find: (name) => {
      const found =
        names.find((n) => n === name) ??
        names.filter((n) => n.toLowerCase() === name.toLowerCase()).at(0);
      return found === undefined ? undefined : { name: found, fieldId: null };
    },
  };
}

export function identOf(path: readonly string[]): TableIdent {
  return { namespace: path.slice(0, -1), name: path[path.length - 1]! };
}

/**
 * Column links keep the column's Iceberg field id, so they follow renames and vanish with a
 * dropped column; these turn stored links into today's column names.
 */
export class LinkedColumns {
  constructor(private readonly catalog: Pick<CatalogService, 'loadTable' | 'describeTable'>) {}

  async columnsOf(ident: TableIdent): Promise<TableColumns> {
    try {
      return icebergColumns(await this.catalog.loadTable(ident));
    } catch (err) {
      if (!(err instanceof InvalidInput && err.code === 'NOT_AN_ICEBERG_TABLE')) throw err;
      const described = await this.catalog.describeTable(ident);
      return namedColumns(described.columns.map((c) => c.name));
    }
  }

  /** The column to link, as the table has it (NotFound COLUMN_NOT_FOUND naming the columns). */
  async column(ident: TableIdent, name: string): Promise<{ name: string; fieldId: number | null }> {
    const found = (await this.columnsOf(ident)).find(name);
    if (found !== undefined) return found;
    const described = await this.catalog.describeTable(ident);
    throw new NotFound(
      'COLUMN_NOT_FOUND',
      `Table ${formatTableName(ident)} has no column "${name}".`,
      { hint: `Its columns are ${described.columns.map((c) => c.name).join(', ')}.` },
    );
  }

  /**
   * Links with their column's current name; links to a dropped column or to a table that
   * is gone (dropped outside a governed path) are left out.
   */
  async current(
    links: GlossaryLinkRecord[],
  ): Promise<{ link: GlossaryLinkRecord; column: string | null }[]> {
    const tables = new Map<string, Promise<TableColumns | undefined>>();
    const out: { link: GlossaryLinkRecord; column: string | null }[] = [];
    for (const link of links) {
      if (link.column === null) {
        out.push({ link, column: null });
        continue;
      }
      const key = JSON.stringify(link.tablePath);
      if (!tables.has(key)) tables.set(key, this.#columnsIfAny(identOf(link.tablePath)));
      const columns = await tables.get(key);
      if (columns === undefined) continue;
      const name = link.columnFieldId === null ? link.column : columns.nameOf(link.columnFieldId);
      if (name !== undefined) out.push({ link, column: name });
    }
    return out;
  }

  async #columnsIfAny(ident: TableIdent): Promise<TableColumns | undefined> {
    try {
      return await this.columnsOf(ident);
    } catch (err) {
      if (err instanceof LakewardError && err.code === 'TABLE_NOT_FOUND') return undefined;
      throw err;
    }
  }
}
