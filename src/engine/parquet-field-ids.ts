import type { IcebergType, Schema } from '../iceberg/index.js';
import { quoteIdent } from './sql-quote.js';

/**
 * The FIELD_IDS option of DuckDB's Parquet COPY for a schema: every column, list
 * element, map key/value and struct child carries its Iceberg field id, which is
 * how readers match columns after renames.
 */
export function fieldIdsSql(schema: Schema): string {
  return `{${schema.fields.map((f) => `${quoteIdent(f.name)}: ${fieldIdSql(f.id, f.type)}`).join(', ')}}`;
}

function fieldIdSql(id: number, type: IcebergType): string {
  if (typeof type === 'string') return String(id);
  const children: string[] = [];
  if (type.type === 'list')
    children.push(`element: ${fieldIdSql(type['element-id'], type.element)}`);
  if (type.type === 'map') {
    children.push(`key: ${fieldIdSql(type['key-id'], type.key)}`);
    children.push(`value: ${fieldIdSql(type['value-id'], type.value)}`);
  }
  if (type.type === 'struct') {
    for (const f of type.fields)
      children.push(`${quoteIdent(f.name)}: ${fieldIdSql(f.id, f.type)}`);
  }
  return `{__duckdb_field_id: ${id}, ${children.join(', ')}}`;
}
