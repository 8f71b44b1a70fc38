import { InternalError } from '../errors/index.js';
import type { DataFile, IcebergTable } from '../iceberg/index.js';
import { scanSql } from './scan-sql.js';
import type { Session } from './session.js';
import { parsePredicate } from './predicate.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { icebergToDuckType } from './types-mapping.js';
import { writeDataFiles } from './table-writer.js';
import type { WriteFilesOptions } from './table-writer.js';

/** What an upsert replaces in the table: files holding a key of the new rows, and their rewrite. */
export interface MergeRemoval {
  /** Live files holding at least one row whose key is among the new rows' keys. */
  deleted: DataFile[];
  /** New files with the rows of partly matching files whose keys were not among them. */
  rewritten: DataFile[];
  /** Rows of the table that the new rows replace. */
  replacedRows: number;
}

const KEYS_TABLE = 'lakeward_merge_keys';

/**
 * Plans the copy-on-write half of an upsert: every live file of the table that holds a
 * row whose key columns equal (NULL equal to NULL) those of a row of `newRowsSql` is
 * removed, and its other rows are written again. Nothing is committed: the caller adds
 * the new rows' files and commits all of it as one snapshot.
 */
export async function planMergeRemoval(
  session: Session,
  table: IcebergTable,
  newRowsSql: string,
  keys: string[],
  options: WriteFilesOptions,
): Promise<MergeRemoval> {
  const schema = table.schema();
  const keyList = keys.map(quoteIdent).join(', ');
  const matches = keys
    .map((k) => `t.${quoteIdent(k)} IS NOT DISTINCT FROM k.${quoteIdent(k)}`)
    .join(' AND ');
  await session.run(
    `CREATE OR REPLACE TEMP TABLE ${KEYS_TABLE} AS SELECT DISTINCT ${keyList} FROM (${newRowsSql}) AS n`,
  );
  try {
    const deleted: DataFile[] = [];
    const partial: string[] = [];
    let replacedRows = 0;
    for (const file of await candidateFiles(session, table, keys)) {
      const local = await localPath(table, file);
      const [counts] = await session.all<{ matching: string | null }>(
        `SELECT count(*) AS matching FROM (${scanSql(schema, [local])}) AS t ` +
          `SEMI JOIN ${KEYS_TABLE} AS k ON ${matches}`,
      );
      const matching = Number(counts?.matching ?? 0);
      if (matching === 0) continue;
      deleted.push(file);
      replacedRows += matching;
      if (matching < Number(file.recordCount)) partial.push(local);
    }
    if (partial.length === 0) return { deleted, rewritten: [], replacedRows };
    const keep =
      `SELECT t.* FROM (${scanSql(schema, partial)}) AS t ` +
      `ANTI JOIN ${KEYS_TABLE} AS k ON ${matches}`;
    const { files } = await writeDataFiles(session, table, keep, {
      ...options,
      inTableShape: true,
    });
    return { deleted, rewritten: files, replacedRows };
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${KEYS_TABLE}`);
  }
}

/** Key types whose Parquet bounds can tell a file holds none of the new keys. */
const BOUNDED = /^(int|long|date|timestamp|timestamptz|string|decimal\(.*\))$/;

/**
 * Files whose key bounds overlap the new keys' range: a merge that adds recent rows
 * (a new day) then reads the few files that may hold them, not the whole table. A key
 * with a NULL among the new rows sets no bound (NULL matches NULL, which bounds miss).
 */
async function candidateFiles(
  session: Session,
  table: IcebergTable,
  keys: string[],
): Promise<DataFile[]> {
  const schema = table.schema();
  const bounded = keys.filter((k) => {
    const type = schema.fields.find((f) => f.name === k)?.type;
    return typeof type === 'string' && BOUNDED.test(type);
  });
  if (bounded.length === 0) return table.planFiles();
  const ranges = bounded.map((k, i) => {
    const key = quoteIdent(k);
    return `min(${key})::VARCHAR AS min${i}, max(${key})::VARCHAR AS max${i}, count(*) - count(${key}) AS nulls${i}`;
  });
  const [row] = await session.all<Record<string, string | number | null>>(
    `SELECT ${ranges.join(', ')} FROM ${KEYS_TABLE}`,
  );
  const conditions: string[] = [];
  bounded.forEach((key, i) => {
    const [min, max, nulls] = [row?.[`min${i}`], row?.[`max${i}`], row?.[`nulls${i}`]];
    if (min == null || max == null || Number(nulls) > 0) return;
    const type = icebergToDuckType(schema.fields.find((f) => f.name === key)!.type);
    conditions.push(
      `${quoteIdent(key)} BETWEEN CAST(${quoteLiteral(String(min))} AS ${type}) AND CAST(${quoteLiteral(String(max))} AS ${type})`,
    );
  });
  if (conditions.length === 0) return table.planFiles();
  const { expression } = await parsePredicate(conditions.join(' AND '), schema);
  return table.planFiles(expression === undefined ? {} : { filter: expression });
}

async function localPath(table: IcebergTable, file: DataFile): Promise<string> {
  const store = table.context.store;
  const key = store.keyOf(file.filePath);
  if (key === undefined) {
    throw new InternalError(`Data file ${file.filePath} is outside the warehouse ${store.root}.`);
  }
  return store.localPath(key);
}
