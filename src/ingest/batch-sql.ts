import { icebergToDuckType, quoteIdent, quoteLiteral } from '../engine/index.js';
import type { Session } from '../engine/index.js';
import { bronzeValuesSql, type BatchFacts } from './bronze-columns.js';
import type { PlannedColumn } from './schema-plan.js';
import type { Schema } from '../iceberg/index.js';
import { SOURCE_FILE_COLUMN, type RejectsSink } from './source-read.js';

/** Per source file: rows read and rows rejected. */
export interface FileCounts {
  rows: Map<string, number>;
  rejected: Map<string, number>;
}

/**
 * The rows of the batch in the table's column order and types: each planned column
 * cast to its table type, the bronze columns filled in, and table columns these
 * files lack as NULL.
 */
export function batchSelectSql(
  readers: string[],
  tableSchema: Schema,
  columns: PlannedColumn[],
  facts: BatchFacts,
): string {
  const bronze = bronzeValuesSql(facts, quoteIdent(SOURCE_FILE_COLUMN));
  const select = tableSchema.fields.map((field) => {
    const value = bronze[field.name] ?? sourceColumn(columns, field.name) ?? 'NULL';
    return `CAST(${value} AS ${icebergToDuckType(field.type)}) AS ${quoteIdent(field.name)}`;
  });
  const from = readers.map((r) => `SELECT * FROM ${r}`).join(' UNION ALL BY NAME ');
  return `SELECT ${select.join(', ')} FROM (${from})`;
}

function sourceColumn(columns: PlannedColumn[], name: string): string | undefined {
  const planned = columns.find((c) => c.name === name);
  return planned === undefined ? undefined : quoteIdent(planned.sourceName);
}

/** Rows per source file in the written data files, and rejected lines per file. */
export async function countRows(
  session: Session,
  written: string[],
  rejects: RejectsSink,
): Promise<FileCounts> {
  const rows =
    written.length === 0
      ? []
      : await session.all<{ file: string; n: number | string }>(
          `SELECT "_source_file" AS file, count(*) AS n FROM read_parquet([${written.map(quoteLiteral).join(', ')}]) GROUP BY 1`,
        );
  const counts: FileCounts = { rows: toMap(rows), rejected: new Map() };
  if (await hasTable(session, rejects.table)) {
    const rejected = await session.all<{ file: string; n: number | string }>(
      `SELECT s.file_path AS file, count(DISTINCT r.line) AS n ` +
        `FROM ${quoteIdent(rejects.table)} r JOIN ${quoteIdent(rejects.scan)} s USING (scan_id, file_id) GROUP BY 1`,
    );
    counts.rejected = toMap(rejected);
  }
  return counts;
}

/** Malformed rows, one per line, with every reason DuckDB gave for it. */
export function rejectedRowsSql(rejects: RejectsSink, facts: BatchFacts): string {
  const bronze = bronzeValuesSql(facts, 's.file_path');
  return (
    `SELECT s.file_path AS "_source_file", CAST(r.line AS BIGINT) AS "line", ` +
    `any_value(r.csv_line) AS "raw_text", ` +
    `string_agg(CAST(r.error_type AS VARCHAR) || ': ' || r.error_message, '; ' ORDER BY r.column_idx) AS "reason", ` +
    `${bronze._batch_id} AS "_batch_id", ${bronze._ingested_at} AS "_ingested_at" ` +
    `FROM ${quoteIdent(rejects.table)} r JOIN ${quoteIdent(rejects.scan)} s USING (scan_id, file_id) ` +
    `GROUP BY s.file_path, r.line ORDER BY s.file_path, r.line`
  );
}

export async function hasTable(session: Session, name: string): Promise<boolean> {
  const found = await session.all<{ n: number | string }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${quoteLiteral(name)}`,
  );
  return Number(found[0]?.n ?? 0) > 0;
}

function toMap(rows: { file: string; n: number | string }[]): Map<string, number> {
  return new Map(rows.map((r) => [r.file, Number(r.n)]));
}
