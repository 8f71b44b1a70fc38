import { duckToIcebergType, icebergToDuckType } from '../engine/index.js';
import { InvalidInput } from '../errors/index.js';
import { canPromote, decimalParams, typeToString } from '../iceberg/index.js';
import type { IcebergType, Schema, SchemaChange } from '../iceberg/index.js';

/** The columns one input file yields, as DuckDB describes them. */
export interface FileColumns {
  file: string;
  columns: { name: string; type: string }[];
}

/** A column of the write: the name in the table, the name in the files and the type to write. */
export interface PlannedColumn {
  name: string;
  sourceName: string;
  type: IcebergType;
}

export interface SchemaPlan {
  columns: PlannedColumn[];
  /** Changes to apply to an existing table before the write (add, widen). */
  changes: SchemaChange[];
  /** The changes in words, for the summary. */
  described: string[];
}

/** Whether a column of a file holds no value at all (DuckDB types such columns VARCHAR). */
export type AllNullCheck = (file: string, column: string) => Promise<boolean>;

interface Seen {
  file: string;
  name: string;
  type: IcebergType;
  duckType: string;
}

/**
 * Decides the type every incoming column is written as, and how an existing table's
 * schema must change first: new columns are added, types Iceberg can promote are
 * widened, narrower types are cast; anything else stops the load and names the file.
 */
export async function planSchema(
  files: FileColumns[],
  table: { name: string; schema: Schema } | undefined,
  isAllNull: AllNullCheck,
): Promise<SchemaPlan> {
  const plan: SchemaPlan = { columns: [], changes: [], described: [] };
  for (const [key, seen] of groupByColumn(files)) {
    const existing = table?.schema.fields.find((f) => f.name.toLowerCase() === key);
    const sourceName = (seen[0] as Seen).name;
    if (existing === undefined || table === undefined) {
      const type = await unify(seen, isAllNull);
      plan.columns.push({ name: sourceName, sourceName, type });
      if (table !== undefined) {
        plan.changes.push({ kind: 'add', name: sourceName, type });
        plan.described.push(`added column ${sourceName} (${typeToString(type)})`);
      }
      continue;
    }
    const type = await fitToTable(existing.name, existing.type, seen, table.name, isAllNull);
    if (!sameType(type, existing.type)) {
      plan.changes.push({ kind: 'widen', name: existing.name, type });
      plan.described.push(
        `widened ${existing.name} ${typeToString(existing.type)} -> ${typeToString(type)}`,
      );
    }
    plan.columns.push({ name: existing.name, sourceName, type });
  }
  return plan;
}

/** Columns by lower-cased name (Iceberg names are unique regardless of case), in first-seen order. */
function groupByColumn(files: FileColumns[]): Map<string, Seen[]> {
  const byName = new Map<string, Seen[]>();
  for (const { file, columns } of files) {
    for (const column of columns) {
      const key = column.name.toLowerCase();
      const seen: Seen = {
        file,
        name: column.name,
        type: icebergTypeOf(column.type, column.name, file),
        duckType: column.type,
      };
      byName.set(key, [...(byName.get(key) ?? []), seen]);
    }
  }
  return byName;
}

function icebergTypeOf(duckType: string, column: string, file: string): IcebergType {
  try {
    return duckToIcebergType(duckType);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new InvalidInput(
      'UNSUPPORTED_TYPE',
      `Column "${column}" in ${file} has a type that cannot be stored: ${why}`,
      { hint: 'Convert the column in the file, or load the file into another format first.' },
    );
  }
}

/** The type a new column gets: what all files agree on, widened as DuckDB's union would. */
async function unify(seen: Seen[], isAllNull: AllNullCheck): Promise<IcebergType> {
  const typed = await withoutEmptyText(seen, isAllNull);
  let type = (typed[0] ?? (seen[0] as Seen)).type;
  for (const s of typed.slice(1)) type = commonType(type, s.type);
  return type;
}

async function fitToTable(
  column: string,
  tableType: IcebergType,
  seen: Seen[],
  tableName: string,
  isAllNull: AllNullCheck,
): Promise<IcebergType> {
  const typed = await withoutEmptyText(seen, isAllNull, tableType);
  let target = tableType;
  for (const s of typed) if (canPromote(target, s.type)) target = s.type;
  const offending = typed.find((s) => !castsLosslessly(s.type, target));
  if (offending !== undefined) {
    throw new InvalidInput(
      'TYPE_CONFLICT',
      `Column "${column}" is ${duckName(tableType)} in ${tableName} but ${offending.duckType.toLowerCase()} in ${offending.file}; the values cannot be stored without loss.`,
      {
        hint: `Fix the file, load it into another table, or cast the column in the file to ${duckName(tableType)} first.`,
        details: {
          column,
          tableType: typeToString(tableType),
          fileType: offending.duckType,
          file: offending.file,
        },
      },
    );
  }
  return target;
}

/**
 * DuckDB types a column with no values as VARCHAR; such a file says nothing about the
 * column's type, so it must not force text onto the others (or onto the table).
 */
async function withoutEmptyText(
  seen: Seen[],
  isAllNull: AllNullCheck,
  tableType?: IcebergType,
): Promise<Seen[]> {
  const others = seen.some((s) => s.type !== 'string') || (tableType ?? 'string') !== 'string';
  if (!others) return seen;
  const kept: Seen[] = [];
  for (const [index, s] of seen.entries()) {
    if (s.type !== 'string') kept.push(s);
    // One file with text in the column decides (text, or a conflict); no need to read more.
    else if (!(await isAllNull(s.file, s.name))) return [...kept, ...seen.slice(index)];
  }
  return kept;
}

const NUMERIC_RANK: Record<string, number> = { int: 1, long: 2, float: 3, double: 4 };

function commonType(a: IcebergType, b: IcebergType): IcebergType {
  if (sameType(a, b)) return a;
  if (canPromote(a, b) || castsLosslessly(a, b)) return b;
  if (canPromote(b, a) || castsLosslessly(b, a)) return a;
  const numeric = (t: IcebergType): boolean =>
    (typeof t === 'string' && t in NUMERIC_RANK) || decimalParams(t) !== undefined;
  if (numeric(a) && numeric(b)) return 'double';
  const temporal = ['date', 'timestamp'];
  if (temporal.includes(a as string) && temporal.includes(b as string)) return 'timestamp';
  return 'string';
}

/** Writing a value of type `from` into a column of type `to` keeps every value exactly. */
function castsLosslessly(from: IcebergType, to: IcebergType): boolean {
  if (sameType(from, to) || canPromote(from, to)) return true;
  if (to === 'double') return from === 'int' || from === 'float';
  if (to === 'timestamp' || to === 'timestamptz') return from === 'date';
  const target = decimalParams(to);
  if (target === undefined) return false;
  const source = decimalParams(from);
  if (source !== undefined) {
    return (
      source.scale <= target.scale &&
      source.precision - source.scale <= target.precision - target.scale
    );
  }
  const digits = from === 'int' ? 10 : from === 'long' ? 19 : undefined;
  return digits !== undefined && target.precision - target.scale >= digits;
}

/** Nested types carry field ids, which differ between a file and the table; names and types decide. */
function sameType(a: IcebergType, b: IcebergType): boolean {
  return a === b || typeToString(a) === typeToString(b);
}

function duckName(type: IcebergType): string {
  return icebergToDuckType(type).toLowerCase();
}
