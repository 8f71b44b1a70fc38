/** JSON schemas shared by the routes; they validate requests and document answers in OpenAPI. */

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const nullableString = { type: ['string', 'null'] } as const;

/** Every error answer, by status, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries([401, ...statuses].map((s) => [s, { $ref: 'ErrorBody#' }]));
}

export const namespaceSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', examples: ['bronze.retail'] },
    path: { type: 'array', items: { type: 'string' } },
    description: nullableString,
    owner: nullableString,
    properties: stringMap,
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

export const propertiesPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    description: nullableString,
    setProperties: stringMap,
    removeProperties: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const columnSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    type: { type: 'string' },
    required: { type: 'boolean' },
    doc: nullableString,
  },
} as const;

export const tableSchema = {
  type: 'object',
  properties: {
    fullName: { type: 'string', examples: ['bronze.retail.invoices'] },
    name: { type: 'string' },
    namespace: { type: 'array', items: { type: 'string' } },
    layer: { type: 'string' },
    kind: { type: 'string' },
    location: { type: 'string' },
    metadataLocation: nullableString,
    description: nullableString,
    owner: nullableString,
    properties: stringMap,
    columns: { type: 'array', items: columnSchema },
    partitionSpec: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sourceColumn: { type: 'string' },
          transform: { type: 'string' },
          name: { type: 'string' },
        },
      },
    },
    sortOrder: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          column: { type: 'string' },
          direction: { type: 'string' },
          nullOrder: { type: 'string' },
        },
      },
    },
    currentSnapshotId: nullableString,
    snapshotCount: { type: 'integer' },
    recordCount: { type: 'integer' },
    fileCount: { type: 'integer' },
    sizeBytes: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

export const snapshotSchema = {
  type: 'object',
  properties: {
    snapshotId: { type: 'string', description: '63-bit id, as a string' },
    parentSnapshotId: nullableString,
    sequenceNumber: { type: 'string' },
    timestamp: { type: 'string' },
    operation: { type: 'string' },
    summary: stringMap,
    schemaId: { type: ['integer', 'null'] },
    isCurrent: { type: 'boolean' },
  },
} as const;

export const deletedRowsSchema = {
  type: 'object',
  properties: {
    deletedRows: { type: 'integer' },
    snapshotId: {
      ...nullableString,
      description: 'The new snapshot; the current one when no row matched',
    },
  },
} as const;

/** An Iceberg type: a primitive name ('long', 'decimal(10, 2)', …) or nested JSON per the spec. */
export const icebergTypeSchema = {
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }],
} as const;

export const schemaChangeSchema = {
  type: 'object',
  required: ['kind', 'name'],
  properties: {
    kind: {
      type: 'string',
      enum: ['add', 'rename', 'drop', 'widen', 'makeOptional', 'doc', 'move'],
    },
    name: { type: 'string', minLength: 1 },
    type: icebergTypeSchema,
    parent: { type: 'string' },
    newName: { type: 'string', minLength: 1 },
    doc: { type: 'string' },
    first: { type: 'boolean', const: true },
    after: { type: 'string' },
    before: { type: 'string' },
  },
} as const;

export const ingestSummarySchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    batchId: { type: 'string' },
    snapshotId: nullableString,
    mode: { type: 'string' },
    format: { type: 'string' },
    createdTable: { type: 'boolean' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          sha256: { type: 'string' },
          sizeBytes: { type: 'integer' },
          rows: { type: 'integer' },
          rejected: { type: 'integer' },
          skipped: { type: 'string' },
        },
      },
    },
    rowsWritten: { type: 'integer' },
    rowsRejected: { type: 'integer' },
    rejectsTable: nullableString,
    schemaChanges: { type: 'array', items: { type: 'string' } },
    elapsedMs: { type: 'number' },
  },
} as const;

export const queryResultSchema = {
  type: 'object',
  properties: {
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, type: { type: 'string' } },
      },
    },
    rows: { type: 'array', items: { type: 'array', items: {} } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean' },
    elapsedMs: { type: 'number' },
  },
} as const;
