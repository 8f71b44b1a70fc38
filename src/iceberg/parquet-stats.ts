import type { ColumnChunk, SchemaElement } from 'hyparquet';
import type { ObjectStore } from '../storage/index.js';
import { truncateLowerBound, truncateUpperBound } from './bound-truncation.js';
import { readParquetFooter } from './parquet-footer.js';
import type { RawStatistics } from './parquet-footer.js';
import { parquetStatToValue } from './parquet-values.js';
import type { BoundSide } from './parquet-values.js';
import { isPrimitive } from './primitive-types.js';
import { indexById } from './schema.js';
import { DataFileContent } from './types.js';
import type { DataFile, IcebergType, PrimitiveType, Schema } from './types.js';
import { compareValues, toBinary } from './values.js';

export interface ParquetStatsOptions {
  /**
   * Files written without Parquet field ids (Spark, pandas …) get their top-level
   * columns matched to the schema by name, case-insensitively; otherwise such
   * columns get no metrics at all.
   */
  matchByName?: boolean;
}

/** Fields whose bounds Iceberg keeps: primitives reached through structs only, never inside lists or maps. */
function boundedFields(
  type: IcebergType & object,
  out = new Map<number, PrimitiveType>(),
): Map<number, PrimitiveType> {
  if (type.type !== 'struct') return out;
  for (const field of type.fields) {
    if (isPrimitive(field.type)) out.set(field.id, field.type);
    else boundedFields(field.type, out);
  }
  return out;
}

interface FieldMetrics {
  size: bigint;
  values: bigint;
  nulls: bigint | undefined;
  lower: unknown;
  upper: unknown;
  /** False once a row group with values has no usable bound. */
  lowerKnown: boolean;
  upperKnown: boolean;
  /** Every row group with values has min and max, which DuckDB omits when there is a NaN. */
  nanFree: boolean;
}

function emptyMetrics(): FieldMetrics {
  return {
    size: 0n,
    values: 0n,
    nulls: 0n,
    lower: undefined,
    upper: undefined,
    lowerKnown: true,
    upperKnown: true,
    nanFree: true,
  };
}

function leafFieldIds(
  elements: SchemaElement[],
  chunks: ColumnChunk[],
  schema: Schema,
  options: ParquetStatsOptions,
): (number | undefined)[] {
  const leaves = elements.filter((e) => e.type !== undefined);
  const topLevel = new Map(schema.fields.map((f) => [f.name.toLowerCase(), f.id]));
  return leaves.map((leaf, i) => {
    if (leaf.field_id !== undefined) return leaf.field_id;
    const path = chunks[i]?.meta_data?.path_in_schema ?? [];
    const name = path[0]?.toLowerCase();
    return options.matchByName && path.length === 1 && name !== undefined
      ? topLevel.get(name)
      : undefined;
  });
}

function mergeBound(
  metrics: FieldMetrics,
  side: BoundSide,
  raw: Uint8Array | undefined,
  element: SchemaElement,
  type: PrimitiveType,
): void {
  const known = side === 'lower' ? 'lowerKnown' : 'upperKnown';
  const value = raw === undefined ? undefined : parquetStatToValue(raw, element, type, side);
  if (value === undefined) {
    metrics[known] = false;
    return;
  }
  const current = side === 'lower' ? metrics.lower : metrics.upper;
  const better =
    current === undefined ||
    (side === 'lower'
      ? compareValues(type, value, current) < 0
      : compareValues(type, value, current) > 0);
  if (!better) return;
  if (side === 'lower') metrics.lower = value;
  else metrics.upper = value;
}

/** Old writers ordered binary statistics as signed bytes; only min_value/max_value are trustworthy there. */
function usableStats(
  stats: RawStatistics | undefined,
  element: SchemaElement,
): RawStatistics | undefined {
  const binary = element.type === 'BYTE_ARRAY' || element.type === 'FIXED_LEN_BYTE_ARRAY';
  return stats?.deprecated && binary ? undefined : stats;
}

function encodeBound(type: PrimitiveType, value: unknown, side: BoundSide): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const bound =
    side === 'lower' ? truncateLowerBound(type, value) : truncateUpperBound(type, value);
  return bound === undefined ? undefined : toBinary(type, bound);
}

/**
 * A DataFile for a Parquet object, with Iceberg metrics computed from its footer
 * only. Columns are matched to the schema by Parquet field id.
 */
export async function dataFileFromParquet(
  store: ObjectStore,
  key: string,
  schema: Schema,
  spec: { specId: number; partition: Record<string, unknown> },
  options: ParquetStatsOptions = {},
): Promise<DataFile> {
  const { fileSize, metadata, rawStatistics } = await readParquetFooter(store, key);
  const known = indexById(schema);
  const bounded = boundedFields(schema);
  const leaves = metadata.schema.filter((e) => e.type !== undefined);
  const metrics = new Map<number, FieldMetrics>();
  const writtenByDuckDB = metadata.created_by?.startsWith('DuckDB') === true;
  const splitOffsets: bigint[] = [];

  metadata.row_groups.forEach((rowGroup, g) => {
    const ids = leafFieldIds(metadata.schema, rowGroup.columns, schema, options);
    const first = rowGroup.columns[0]?.meta_data;
    if (first) splitOffsets.push(first.dictionary_page_offset ?? first.data_page_offset);
    rowGroup.columns.forEach((chunk, c) => {
      const id = ids[c];
      const meta = chunk.meta_data;
      const element = leaves[c];
      if (id === undefined || !meta || !element || !known.has(id)) return;
      const m = metrics.get(id) ?? emptyMetrics();
      metrics.set(id, m);
      m.size += meta.total_compressed_size;
      m.values += meta.num_values;
      const nulls = meta.statistics?.null_count;
      m.nulls = m.nulls === undefined || nulls === undefined ? undefined : m.nulls + nulls;
      const type = bounded.get(id);
      if (type === undefined || (nulls !== undefined && nulls === meta.num_values)) return;
      const stats = usableStats(rawStatistics[g]?.[c], element);
      m.nanFree &&= stats?.min !== undefined && stats.max !== undefined;
      mergeBound(m, 'lower', stats?.min, element, type);
      mergeBound(m, 'upper', stats?.max, element, type);
    });
  });

  const file: DataFile = {
    content: DataFileContent.data,
    filePath: store.uri(key),
    fileFormat: 'PARQUET',
    partition: spec.partition,
    recordCount: metadata.num_rows,
    fileSizeInBytes: BigInt(fileSize),
    columnSizes: new Map(),
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
    splitOffsets: splitOffsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    specId: spec.specId,
  };
  for (const [id, m] of metrics) {
    file.columnSizes.set(id, m.size);
    file.valueCounts.set(id, m.values);
    if (m.nulls !== undefined) file.nullValueCounts.set(id, m.nulls);
    const type = bounded.get(id);
    if (type === undefined) continue;
    if (writtenByDuckDB && (type === 'float' || type === 'double') && m.nanFree) {
      file.nanValueCounts.set(id, 0n);
    }
    const lower = m.lowerKnown ? encodeBound(type, m.lower, 'lower') : undefined;
    const upper = m.upperKnown ? encodeBound(type, m.upper, 'upper') : undefined;
    if (lower) file.lowerBounds.set(id, lower);
    if (upper) file.upperBounds.set(id, upper);
  }
  return file;
}
