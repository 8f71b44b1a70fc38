import { randomUUID } from 'node:crypto';
import { AlreadyExists, InvalidInput } from '../errors/index.js';
import { loadCurrentVersion, writeMetadataFile } from './metadata-files.js';
import { allFieldIds, assignFreshIds, findField } from './schema.js';
import { LoadedTable } from './table.js';
import type {
  CreateTableRequest,
  IcebergTable,
  PartitionFieldRequest,
  TableContext,
} from './table-contract.js';
import { canTransform, describeTransform, parseTransform } from './transforms.js';
import type { PartitionField, PartitionSpec, Schema, SortOrder, TableMetadata } from './types.js';

/** Partition field ids start here, as the spec's reference implementation numbers them. */
const FIRST_PARTITION_FIELD_ID = 1000;

/** ts_day, id_bucket_16, name_trunc_4, country (identity). */
function defaultPartitionName(source: string, transform: string): string {
  const parsed = describeTransform(transform);
  if (!parsed) return source;
  switch (parsed.kind) {
    case 'identity':
      return source;
    case 'bucket':
      return `${source}_bucket_${parsed.buckets}`;
    case 'truncate':
      return `${source}_trunc_${parsed.width}`;
    case 'void':
      return `${source}_null`;
    default:
      return `${source}_${parsed.kind}`;
  }
}

function partitionField(
  schema: Schema,
  request: PartitionFieldRequest,
  fieldId: number,
): PartitionField {
  const source = findField(schema, request.source);
  if (!source) {
    throw new InvalidInput(
      'UNKNOWN_COLUMN',
      `Cannot partition by ${request.source}: the schema has no such column.`,
      {
        hint: `partition by one of: ${schema.fields.map((f) => f.name).join(', ')}`,
      },
    );
  }
  const transform = parseTransform(request.transform);
  if (!canTransform(transform, source.type)) {
    const type = typeof source.type === 'string' ? source.type : source.type.type;
    throw new InvalidInput(
      'INVALID_TRANSFORM',
      `Transform ${transform} cannot be applied to ${request.source} (${type}).`,
      {
        hint: 'year/month/day need a date or timestamp, hour a timestamp, truncate an int, long, decimal, string or binary',
      },
    );
  }
  return {
    'source-id': source.id,
    'field-id': fieldId,
    name: request.name ?? defaultPartitionName(source.name, transform),
    transform,
  };
}

function partitionSpec(schema: Schema, requests: PartitionFieldRequest[]): PartitionSpec {
  const fields = requests.map((r, i) => partitionField(schema, r, FIRST_PARTITION_FIELD_ID + i));
  const names = fields.map((f) => f.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new InvalidInput(
      'DUPLICATE_PARTITION_FIELD',
      `Two partition fields are named ${duplicate}.`,
      {
        hint: 'give each partition field its own name',
      },
    );
  }
  return { 'spec-id': 0, fields };
}

/** The requested sort order with source ids mapped onto the fresh ids. */
function sortOrders(
  request: CreateTableRequest,
  fresh: Schema,
): { orders: SortOrder[]; defaultId: number } {
  const unsorted: SortOrder = { 'order-id': 0, fields: [] };
  const fields = request.sortOrder?.fields ?? [];
  if (fields.length === 0) return { orders: [unsorted], defaultId: 0 };
  const oldIds = allFieldIds(request.schema);
  const newIds = allFieldIds(fresh);
  const mapped = fields.map((f) => {
    const index = oldIds.indexOf(f['source-id']);
    if (index < 0) {
      throw new InvalidInput(
        'UNKNOWN_COLUMN',
        `The sort order names column id ${f['source-id']}, which the schema does not have.`,
        {
          hint: 'sort by columns of the table schema',
        },
      );
    }
    return {
      ...f,
      transform: parseTransform(f.transform),
      'source-id': newIds[index] ?? f['source-id'],
    };
  });
  return { orders: [unsorted, { 'order-id': 1, fields: mapped }], defaultId: 1 };
}

/** Writes the first metadata file of a new table and points the table at it. */
export async function createTable(
  ctx: TableContext,
  request: CreateTableRequest,
): Promise<IcebergTable> {
  const { schema: fresh, lastColumnId } = assignFreshIds({ ...request.schema, 'schema-id': 0 }, 1);
  const spec = partitionSpec(fresh, request.partitionBy ?? []);
  const { orders, defaultId } = sortOrders(request, fresh);
  const metadata: TableMetadata = {
    'format-version': 2,
    'table-uuid': randomUUID(),
    location: ctx.store.uri(ctx.keyPrefix.replace(/\/+$/, '')),
    'last-sequence-number': 0n,
    'last-updated-ms': Date.now(),
    'last-column-id': lastColumnId,
    schemas: [fresh],
    'current-schema-id': 0,
    'partition-specs': [spec],
    'default-spec-id': 0,
    'last-partition-id': FIRST_PARTITION_FIELD_ID - 1 + spec.fields.length,
    properties: { ...request.properties },
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': orders,
    'default-sort-order-id': defaultId,
    refs: {},
  };
  const location = await writeMetadataFile(ctx, metadata, 0);
  if (!(await ctx.pointer.compareAndSwap(null, location))) {
    throw new AlreadyExists(
      'TABLE_ALREADY_EXISTS',
      `A table already exists under ${ctx.keyPrefix}.`,
      {
        hint: 'load the existing table, or drop it first',
      },
    );
  }
  return new LoadedTable(ctx, { metadata, location });
}

/** The table as its pointer names it now. */
export async function loadTable(ctx: TableContext): Promise<IcebergTable> {
  return new LoadedTable(ctx, await loadCurrentVersion(ctx));
}
