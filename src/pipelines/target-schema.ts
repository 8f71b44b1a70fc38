import { duckToIcebergType, icebergToDuckType, schemaFromDuckColumns } from '../engine/index.js';
import { InvalidInput } from '../errors/index.js';
import { canPromote, typeToString } from '../iceberg/index.js';
import type { IcebergType, Schema, SchemaChange } from '../iceberg/index.js';

/** A column of the job's result, as DuckDB typed it. */
export interface ResultColumn {
  name: string;
  type: string;
}

/** The target's schema once the run's rows are in, and how an existing table gets there. */
export interface TargetSchemaPlan {
  /** Columns and types of the rows the run writes (ids are placeholders). */
  schema: Schema;
  /** Schema evolution of an existing target: new columns, widened types. */
  changes: SchemaChange[];
}

/**
 * The target's schema for a result: a new table takes the result's columns; an existing
 * one gains the result's new columns (schema evolution) and widens a column when the
 * result's type is a wider one of the same kind (int→long, float→double, decimal
 * precision). Any other type difference is refused: rows would silently change value.
 */
export function planTargetSchema(
  target: string,
  result: ResultColumn[],
  existing: Schema | undefined,
): TargetSchemaPlan {
  refuseDuplicates(target, result);
  if (existing === undefined) return { schema: schemaFromDuckColumns(result), changes: [] };
  const changes: SchemaChange[] = [];
  const final = new Map<string, IcebergType>(existing.fields.map((f) => [f.name, f.type]));
  for (const column of result) {
    const type = duckToIcebergType(column.type);
    const field =
      existing.fields.find((f) => f.name === column.name) ??
      existing.fields.find((f) => f.name.toLowerCase() === column.name.toLowerCase());
    if (field === undefined) {
      changes.push({ kind: 'add', name: column.name, type });
      final.set(column.name, type);
    } else if (typeToString(field.type) === typeToString(type) || canPromote(type, field.type)) {
      continue;
    } else if (canPromote(field.type, type)) {
      changes.push({ kind: 'widen', name: field.name, type });
      final.set(field.name, type);
    } else {
      throw incompatible(target, column.name, field.type, type);
    }
  }
  const columns = [...final].map(([name, type]) => ({ name, type: icebergToDuckType(type) }));
  return { schema: schemaFromDuckColumns(columns), changes };
}

function refuseDuplicates(target: string, result: ResultColumn[]): void {
  const seen = new Set<string>();
  for (const { name } of result) {
    const key = name.toLowerCase();
    if (seen.has(key)) {
      throw new InvalidInput(
        'DUPLICATE_RESULT_COLUMN',
        `The job's SELECT yields the column "${name}" twice; ${target} needs one column per name.`,
        {
          hint: `Give each output column its own name with AS, e.g. SELECT a.id AS order_id, b.id AS customer_id.`,
        },
      );
    }
    seen.add(key);
  }
}

function incompatible(
  target: string,
  column: string,
  tableType: IcebergType,
  resultType: IcebergType,
): InvalidInput {
  const wanted = icebergToDuckType(tableType);
  return new InvalidInput(
    'INCOMPATIBLE_COLUMN_TYPE',
    `Column "${column}" of ${target} is ${typeToString(tableType)}, but the job's SELECT yields ${typeToString(resultType)}.`,
    {
      hint: `Cast it in the SELECT (CAST(${column} AS ${wanted})), or write the result to a new table.`,
      details: { column, tableType: typeToString(tableType), resultType: typeToString(resultType) },
    },
  );
}
