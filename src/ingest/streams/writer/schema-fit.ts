import { InvalidInput } from '../../../errors/index.js';
import type { IcebergType } from '../../../iceberg/index.js';
import type { DriftPolicy, StreamRecord } from '../contract.js';
import { fitValue, fitsAsSent, inferredType, unifyTypes } from './json-values.js';
import { NdjsonRows, type RowPlace } from './ndjson-rows.js';
import type { DeadLetter, RecordUnit, RowTaker, Shape } from './record-decoding.js';
import { sentObject } from './sent-objects.js';
import { scannedColumns, scanSentRow, type ScannedColumn } from './sent-row-scan.js';

export interface FitInput {
  units: RecordUnit[];
  /** The table's own columns (stream columns left out), or the declared ones; none: infer all. */
  columns: { name: string; type: IcebergType }[] | undefined;
  policy: DriftPolicy;
  table: string;
  /** Rows already taken while decoding (rowsAsSent); the fitted rows join them. */
  rows?: NdjsonRows;
}

export interface FittedRows {
  /** The rows as NDJSON, keyed by table column names. */
  rows: NdjsonRows;
  dead: DeadLetter[];
  /** Columns to add (or to create the table with), in first-seen order. */
  added: { name: string; type: IcebergType }[];
  widened: { name: string; type: IcebergType }[];
}

interface Column {
  name: string;
  type: IcebergType;
  /** `"name":` as it is written in each line. */
  key: string;
}

/**
 * Matches each record's fields to the table's columns (names compared without case,
 * as the engine resolves them), applies the drift policy to fields the table lacks
 * and to values their column cannot hold, and writes the rows as NDJSON.
 * Under `fail` it throws before anything is committed.
 */
export function fitRows(input: FitInput): FittedRows {
  const out: FittedRows = {
    rows: input.rows ?? new NdjsonRows(),
    dead: [],
    added: [],
    widened: [],
  };
  const columns = new Map<string, Column>();
  for (const c of input.columns ?? []) columns.set(c.name.toLowerCase(), column(c.name, c.type));
  const units = newColumns(input, columns, out);
  const widened = new Map<string, IcebergType>();
  // Field names as sent map to the same column all batch long: look each up once.
  const byExactName = new Map<string, Column>();
  const exactShapes = new Map<Shape, Column[] | undefined>();
  for (const unit of units) {
    if (unit.shape !== undefined) {
      const exact = exactColumnsOf(unit.shape, columns, exactShapes);
      if (exact !== undefined && addAsSent(unit, exact, widened, out.rows, unit.place)) continue;
    }
    const rows: string[][] = [];
    let reason: string | undefined;
    for (const object of unit.objects) {
      const fields: string[] = [];
      for (const key in object) {
        const col = byExactName.get(key) ?? (columns.get(key.toLowerCase()) as Column);
        byExactName.set(key, col);
        const value = object[key];
        const type = widened.size === 0 ? col.type : (widened.get(col.name) ?? col.type);
        const text = commonText(value, type);
        if (text !== undefined) {
          fields.push(`${col.key}${text}`);
          continue;
        }
        let fit = fitValue(value, type);
        if (!fit.ok && fit.widen !== undefined && input.policy === 'evolve') {
          const wider = fitValue(value, fit.widen);
          if (wider.ok) widened.set(col.name, fit.widen);
          fit = wider;
        }
        if (!fit.ok) {
          reason = `field "${key}": ${fit.reason}`;
          if (input.policy === 'fail') throw drift(input.table, key, unit.record, reason);
          break;
        }
        fields.push(`${col.key}${fit.text}`);
      }
      if (reason !== undefined) break;
      rows.push(fields);
    }
    if (reason === undefined) {
      for (const fields of rows) out.rows.addFields(unit.record, fields, unit.place);
    } else out.dead.push({ record: unit.record, raw: unit.raw, reason });
  }
  for (const [name, type] of widened) out.widened.push({ name, type });
  return out;
}

/**
 * Takes, while the batch is decoded, the records whose bytes as sent can be their row
 * in a table of these columns (no new field, no value to convert), and keeps a place
 * among the rows for the others, which fitRows writes. Records with the fields of the
 * last one taken are scanned as bytes and not decoded at all.
 */
export function rowsAsSent(
  columns: { name: string; type: IcebergType }[] | undefined,
  rows: NdjsonRows,
): RowTaker {
  const byName = new Map<string, Column>();
  for (const c of columns ?? []) byName.set(c.name.toLowerCase(), column(c.name, c.type));
  const exactShapes = new Map<Shape, Column[] | undefined>();
  const scans = new Map<Column[], ScannedColumn[] | undefined>();
  const none = new Map<string, IcebergType>();
  let scanned: ScannedColumn[] | undefined;
  return {
    sent(record, raw) {
      const start = scanned === undefined ? -1 : scanSentRow(raw, scanned);
      if (start < 0) return false;
      rows.addSent(record, raw, start, true);
      return true;
    },
    unit(unit) {
      if (unit.shape !== undefined) {
        const exact = exactColumnsOf(unit.shape, byName, exactShapes);
        if (exact !== undefined && addAsSent(unit, exact, none, rows)) {
          if (!scans.has(exact)) scans.set(exact, scannedColumns(exact));
          scanned = scans.get(exact);
          return true;
        }
      }
      unit.place = rows.reserve();
      return false;
    },
  };
}

function exactColumnsOf(
  shape: Shape,
  columns: Map<string, Column>,
  known: Map<Shape, Column[] | undefined>,
): Column[] | undefined {
  if (known.has(shape)) return known.get(shape);
  const exact = exactColumns(shape, columns);
  known.set(shape, exact);
  return exact;
}

/** The columns of a shape's fields when each field has its column's exact name. */
function exactColumns(shape: Shape, columns: Map<string, Column>): Column[] | undefined {
  const found: Column[] = [];
  for (const key of shape.keys) {
    const col = columns.get(key.toLowerCase());
    if (col === undefined || col.name !== key) return undefined;
    found.push(col);
  }
  return found;
}

/**
 * Adds the unit's row from its bytes as sent when they can be it: every value fits its
 * column as written, and DuckDB reads the bytes as JSON.parse did. Most records of a
 * stream take this way; the others are written from their values.
 */
function addAsSent(
  unit: RecordUnit,
  exact: Column[],
  widened: Map<string, IcebergType>,
  rows: NdjsonRows,
  place?: RowPlace,
): boolean {
  const values = Object.values(unit.objects[0] as Record<string, unknown>);
  for (let i = 0; i < values.length; i++) {
    const col = exact[i] as Column;
    const type = widened.size === 0 ? col.type : (widened.get(col.name) ?? col.type);
    if (!fitsAsSent(values[i], type)) return false;
  }
  const sent = sentObject(unit.raw);
  if (sent === undefined || sent.fields !== values.length) return false;
  rows.addSent(unit.record, unit.raw, sent.start, values.length > 0, place);
  return true;
}

/** The values most records hold, written without the general check (same result as fitValue). */
function commonText(value: unknown, type: IcebergType): string | undefined {
  if (typeof value === 'string') return type === 'string' ? JSON.stringify(value) : undefined;
  if (typeof value !== 'number') return undefined;
  if (type === 'double' || (type === 'long' && Number.isSafeInteger(value))) return String(value);
  return undefined;
}

function column(name: string, type: IcebergType): Column {
  return { name, type, key: `${JSON.stringify(name)}:` };
}

/**
 * Fields no column holds: their columns are planned (first batch, or `evolve`), or
 * their units set aside (`dead-letter`), or the batch refused (`fail`). Returns the
 * units that go on.
 */
function newColumns(input: FitInput, columns: Map<string, Column>, out: FittedRows): RecordUnit[] {
  const infer = input.columns === undefined || input.policy === 'evolve';
  const planned = new Map<string, { name: string; type: IcebergType | undefined }>();
  const kept: RecordUnit[] = [];
  // Names as sent that already have a column.
  const known = new Set<string>();
  for (const unit of input.units) {
    const unknown = unknownField(unit, columns, known);
    if (unknown === undefined) {
      kept.push(unit);
      continue;
    }
    if (!infer) {
      const reason = `field "${unknown}" is not a column of ${input.table}`;
      if (input.policy === 'fail') throw drift(input.table, unknown, unit.record, reason);
      out.dead.push({ record: unit.record, raw: unit.raw, reason });
      continue;
    }
    for (const object of unit.objects) {
      for (const key in object) {
        const lower = key.toLowerCase();
        if (columns.has(lower)) continue;
        const seen = planned.get(lower) ?? { name: key, type: undefined };
        const type = inferredType(object[key]);
        if (type !== undefined)
          seen.type = seen.type === undefined ? type : unifyTypes(seen.type, type);
        planned.set(lower, seen);
      }
    }
    kept.push(unit);
  }
  for (const [lower, seen] of planned) {
    // A field that was only ever null is kept as text: a string column holds any later value.
    const type = seen.type ?? 'string';
    columns.set(lower, column(seen.name, type));
    out.added.push({ name: seen.name, type });
  }
  return kept;
}

function unknownField(
  unit: RecordUnit,
  columns: Map<string, Column>,
  known: Set<string>,
): string | undefined {
  for (const object of unit.objects) {
    for (const key in object) {
      if (known.has(key)) continue;
      if (!columns.has(key.toLowerCase())) return key;
      known.add(key);
    }
  }
  return undefined;
}

function drift(table: string, field: string, record: StreamRecord, reason: string): InvalidInput {
  const at = `${record.partition === null ? '' : `partition ${record.partition}, `}offset ${record.offset}`;
  return new InvalidInput(
    'STREAM_SCHEMA_DRIFT',
    `The record at ${at} does not fit ${table}: ${reason}. Nothing of the batch was committed.`,
    {
      hint: "Change the table (add or widen the column) or set the stream's drift policy to evolve or dead-letter, then resume the stream.",
      details: { field, partition: record.partition, offset: record.offset, reason },
    },
  );
}
