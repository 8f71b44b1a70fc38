import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInput } from '../errors/index.js';
import { dataFileFromParquet, describeTransform, partitionPath } from '../iceberg/index.js';
import type {
  DataFile,
  IcebergTable,
  NestedField,
  PartitionSpec,
  PrimitiveType,
  Schema,
} from '../iceberg/index.js';
import { fieldIdsSql } from './parquet-field-ids.js';
import { partitionColumn } from './partition-sql.js';
import type { PartitionColumn } from './partition-sql.js';
import type { Session } from './session.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { icebergToDuckType } from './types-mapping.js';

export interface WriteFilesOptions {
  /** Local folder for staging Parquet files before they move into the warehouse. */
  tempDir: string;
  targetFileSizeBytes: number;
  /**
   * The SELECT already yields exactly the table's columns, in order and cast to their
   * types; the writer then skips describing it, which for a CSV read means sniffing again.
   */
  inTableShape?: boolean;
}

export interface WrittenFiles {
  files: DataFile[];
  rows: number;
}

interface CopyStats {
  filename: string;
  count: string;
  file_size_bytes: string;
  partition_keys: { key: string; value: string | null }[] | null;
}

const ROW_GROUP_ROWS = 122_880;
const ROW_GROUP_MAX_BYTES = 128 * 1024 * 1024;
const PARTITION_PREFIX = '__lakeward_p';

/**
 * Writes the rows of a SELECT as Parquet data files of the table (current schema
 * and partition spec) and moves them into the warehouse; nothing is committed.
 */
export async function writeDataFiles(
  session: Session,
  table: IcebergTable,
  selectSql: string,
  options: WriteFilesOptions,
): Promise<WrittenFiles> {
  const schema = table.schema();
  const spec = defaultSpec(table);
  const typed =
    options.inTableShape === true
      ? selectSql
      : `SELECT ${projectionSql(schema, await session.describe(selectSql))} FROM (${selectSql}) AS source`;
  const partitions = partitionColumns(schema, spec);
  const staging = path.join(options.tempDir, `write-${randomUUID()}`);
  try {
    const written = await session.all<CopyStats>(
      copySql(typed, schema, partitions, staging, options),
    );
    const stats: CopyStats[] = [];
    for (const file of written) stats.push(...(await splitLarge(session, schema, file, options)));
    const files: DataFile[] = [];
    let rows = 0;
    for (const file of stats) {
      if (Number(file.count) === 0) continue;
      rows += Number(file.count);
      files.push(await storeFile(table, schema, spec, partitions, file));
    }
    return { files, rows };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function defaultSpec(table: IcebergTable): PartitionSpec {
  const id = table.metadata['default-spec-id'];
  return (
    table.metadata['partition-specs'].find((s) => s['spec-id'] === id) ?? {
      'spec-id': id,
      fields: [],
    }
  );
}

/**
 * Each schema column cast to its type, by name; a column the query lacks is NULL.
 * A query column the table does not have is refused rather than silently dropped.
 */
function projectionSql(schema: Schema, source: { name: string; type: string }[]): string {
  const known = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  const extra = source.filter((c) => !known.has(c.name.toLowerCase())).map((c) => c.name);
  if (extra.length > 0) {
    throw new InvalidInput(
      'UNKNOWN_COLUMNS',
      `The data has columns the table does not have: ${extra.join(', ')}.`,
      { hint: 'Add the columns to the table schema first, or leave them out of the data.' },
    );
  }
  return schema.fields.map((f) => `${columnValue(f, source)} AS ${quoteIdent(f.name)}`).join(', ');
}

function columnValue(field: NestedField, source: { name: string }[]): string {
  const match =
    source.find((c) => c.name === field.name) ??
    source.find((c) => c.name.toLowerCase() === field.name.toLowerCase());
  if (!match && field.required) {
    throw new InvalidInput('MISSING_COLUMN', `The data lacks the required column '${field.name}'.`);
  }
  const value = match ? `source.${quoteIdent(match.name)}` : 'NULL';
  return `CAST(${value} AS ${icebergToDuckType(field.type)})`;
}

function partitionColumns(schema: Schema, spec: PartitionSpec): PartitionColumn[] {
  return spec.fields
    .filter((f) => describeTransform(f.transform)?.kind !== 'void')
    .map((f) => {
      const source = schema.fields.find((s) => s.id === f['source-id']);
      if (!source) {
        throw new InvalidInput(
          'PARTITION_SOURCE_NOT_TOP_LEVEL',
          `Partition field '${f.name}' reads a column that is not a top-level column of the schema.`,
        );
      }
      return partitionColumn(f, source.type, `typed.${quoteIdent(source.name)}`);
    });
}

/**
 * DuckDB cannot rotate files while partitioning, so a partition's file that came out
 * well over the target size is rewritten into target-sized files.
 */
async function splitLarge(
  session: Session,
  schema: Schema,
  file: CopyStats,
  options: WriteFilesOptions,
): Promise<CopyStats[]> {
  if (Number(file.file_size_bytes) <= options.targetFileSizeBytes * 1.5) return [file];
  const parts = await session.all<CopyStats>(
    copySql(
      `SELECT * FROM read_parquet(${quoteLiteral(file.filename)})`,
      schema,
      [],
      `${file.filename}.parts`,
      options,
    ),
  );
  fs.rmSync(file.filename);
  return parts.map((part) => ({ ...part, partition_keys: file.partition_keys }));
}

function copySql(
  typedSql: string,
  schema: Schema,
  partitions: PartitionColumn[],
  staging: string,
  options: WriteFilesOptions,
): string {
  const copyOptions = [
    'FORMAT PARQUET',
    'COMPRESSION zstd',
    `FIELD_IDS ${fieldIdsSql(schema)}`,
    `ROW_GROUP_SIZE ${ROW_GROUP_ROWS}`,
    // Files rotate only between row groups, so a row group must stay below the target.
    `ROW_GROUP_SIZE_BYTES ${rowGroupBytes(options.targetFileSizeBytes)}`,
    'RETURN_STATS true',
  ];
  if (partitions.length === 0) {
    copyOptions.push(`FILE_SIZE_BYTES ${Math.max(1, Math.floor(options.targetFileSizeBytes))}`);
  }
  let body = typedSql;
  if (partitions.length > 0) {
    const names = partitions.map((_, i) => `${PARTITION_PREFIX}${i}`);
    const computed = partitions.map((p, i) => `${p.sql} AS ${names[i]}`).join(', ');
    body = `SELECT typed.*, ${computed} FROM (${typedSql}) AS typed`;
    copyOptions.push(`PARTITION_BY (${names.join(', ')})`, 'WRITE_PARTITION_COLUMNS false');
  }
  return `COPY (${body}) TO ${quoteLiteral(staging)} (${copyOptions.join(', ')})`;
}

function rowGroupBytes(target: number): number {
  return Math.max(64 * 1024, Math.min(ROW_GROUP_MAX_BYTES, Math.floor(target / 2)));
}

async function storeFile(
  table: IcebergTable,
  schema: Schema,
  spec: PartitionSpec,
  partitions: PartitionColumn[],
  file: CopyStats,
): Promise<DataFile> {
  const partition = partitionOf(spec, partitions, file);
  const resultTypes = new Map<number, PrimitiveType>(
    partitions.map((p) => [p.field['field-id'], p.resultType]),
  );
  const folder = spec.fields.length > 0 ? `/${partitionPath(spec, resultTypes, partition)}` : '';
  const key = `${table.context.keyPrefix}/data${folder}/${randomUUID()}.parquet`;
  await table.context.store.putFile(key, file.filename);
  return dataFileFromParquet(table.context.store, key, schema, {
    specId: spec['spec-id'],
    partition,
  });
}

/** Partition values from the keys DuckDB reports per file (its decoded folder values). */
function partitionOf(
  spec: PartitionSpec,
  partitions: PartitionColumn[],
  file: CopyStats,
): Record<string, unknown> {
  const keys = new Map((file.partition_keys ?? []).map((k) => [k.key, k.value]));
  const partition: Record<string, unknown> = {};
  for (const field of spec.fields) partition[field.name] = null;
  partitions.forEach((p, i) => {
    partition[p.field.name] = p.parse(keys.get(`${PARTITION_PREFIX}${i}`) ?? null);
  });
  return partition;
}
