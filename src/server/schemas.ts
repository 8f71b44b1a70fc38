/** JSON schemas shared by the routes; they validate requests and document answers in OpenAPI. */
import { EXTERNAL_FORMATS } from '../catalog/index.js';

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

const externalColumn = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    type: {
      type: 'string',
      minLength: 1,
      description: 'Iceberg type: long, decimal(10, 2), list<string>, struct<a: int> …',
    },
  },
} as const;
/** How the raw files are read; every field optional so PATCH can reuse it. */
export const externalSpecProperties = {
  location: {
    type: 'string',
    minLength: 1,
    description: 'file:///absolute/folder inside catalog.externalLocations',
  },
  format: { type: 'string', enum: [...EXTERNAL_FORMATS] },
  compression: { type: 'string', enum: ['none', 'gzip', 'zstd'] },
  csv: {
    type: 'object',
    additionalProperties: false,
    properties: {
      delimiter: { type: 'string', minLength: 1 },
      quote: { type: 'string', minLength: 1 },
      escape: { type: 'string', minLength: 1 },
      header: { type: 'boolean' },
    },
  },
  columns: { type: 'array', items: externalColumn },
  partitionColumns: { type: 'array', items: externalColumn },
  exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
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
    external: {
      type: 'object',
      description: 'External tables only: how the raw files are read',
      properties: externalSpecProperties,
    },
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

// --- governance ---

const stringList = { type: 'array', items: { type: 'string' } } as const;

export const SECURABLE_KINDS = ['catalog', 'namespace', 'table', 'volume', 'column'] as const;
/** Grantees as users say them: a user or service account is a principal. */
export const GRANTEE_KINDS = ['user', 'service', 'principal', 'group'] as const;

/** A securable in a request: its kind and dotted name (empty for the catalog). */
export const securableRefSchema = {
  type: 'object',
  required: ['kind', 'name'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: SECURABLE_KINDS },
    name: { type: 'string', examples: ['gold.revenue.monthly'] },
  },
} as const;

export const granteeRefSchema = {
  type: 'object',
  required: ['kind', 'name'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: GRANTEE_KINDS },
    name: { type: 'string', minLength: 1, examples: ['marketing_team'] },
  },
} as const;

/** A securable in an answer: its kind and levels. */
export const securableSchema = {
  type: 'object',
  properties: { kind: { type: 'string' }, path: stringList },
} as const;

export const granteeSchema = {
  type: 'object',
  properties: { kind: { type: 'string', enum: ['principal', 'group'] }, name: { type: 'string' } },
} as const;

export const principalSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['user', 'service'] },
    isAdmin: { type: 'boolean' },
    groups: { ...stringList, description: 'Groups it is a direct member of' },
    createdAt: { type: 'string' },
  },
} as const;

export const groupSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: nullableString,
    members: { type: 'array', items: granteeSchema },
    createdAt: { type: 'string' },
  },
} as const;

export const tokenInfoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string' },
    expiresAt: nullableString,
    revokedAt: nullableString,
    lastUsedAt: nullableString,
  },
} as const;

export const grantSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    securable: securableSchema,
    privilege: { type: 'string' },
    grantee: granteeSchema,
    withGrantOption: { type: 'boolean' },
    grantedBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

export const tagKeySchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    allowedValues: stringList,
    description: nullableString,
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

export const tagSchema = {
  type: 'object',
  properties: {
    securable: securableSchema,
    key: { type: 'string' },
    value: { type: 'string' },
    inheritedFrom: { anyOf: [securableSchema, { type: 'null' }] },
  },
} as const;

export const tagPolicySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    expression: { type: 'string' },
    privileges: stringList,
    grantee: granteeSchema,
    withGrantOption: { type: 'boolean' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

export const dataFilterSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    table: stringList,
    rowPredicate: nullableString,
    columnMode: { type: 'string', enum: ['all', 'include', 'exclude'] },
    columns: stringList,
    grantees: { type: 'array', items: granteeSchema },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

export const columnMaskSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    table: stringList,
    column: { type: 'string' },
    function: { type: 'string' },
    expression: nullableString,
    exempt: { type: 'array', items: granteeSchema },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

const nullableInteger = { type: ['integer', 'null'] } as const;

export const auditEventSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    eventId: { type: 'string' },
    time: { type: 'string' },
    principal: {
      anyOf: [
        {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            kind: { type: 'string' },
          },
        },
        { type: 'null' },
      ],
    },
    groups: stringList,
    authMethod: nullableString,
    channel: nullableString,
    sourceAddress: nullableString,
    userAgent: nullableString,
    requestId: nullableString,
    action: { type: 'string' },
    resource: nullableString,
    columns: stringList,
    decision: { type: 'string', enum: ['allow', 'deny', 'error'] },
    reason: nullableString,
    policies: {
      type: 'object',
      properties: { grants: stringList, filters: stringList, masks: stringList },
    },
    queryText: nullableString,
    querySha256: nullableString,
    rowsReturned: nullableInteger,
    bytesScanned: nullableInteger,
    durationMs: { type: ['number', 'null'] },
    snapshots: {
      type: 'array',
      items: {
        type: 'object',
        properties: { table: { type: 'string' }, snapshotId: nullableString },
      },
    },
    status: nullableInteger,
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const;

export const auditVerificationSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    checked: { type: 'integer' },
    firstSeq: nullableInteger,
    lastSeq: nullableInteger,
    firstBroken: {
      type: 'object',
      properties: { seq: { type: 'integer' }, reason: { type: 'string' } },
    },
  },
} as const;

const sourceSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    id: { type: 'string' },
    description: { type: 'string' },
  },
} as const;

export const accessExplanationSchema = {
  type: 'object',
  properties: {
    principal: { type: 'string' },
    groups: stringList,
    securable: securableSchema,
    privileges: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          privilege: { type: 'string' },
          allowed: { type: 'boolean' },
          reason: { type: 'string' },
          sources: { type: 'array', items: sourceSchema },
        },
      },
    },
    read: {
      type: 'object',
      properties: {
        allowed: { type: 'boolean' },
        reason: { type: 'string' },
        columns: stringList,
        rowFilter: { type: 'string' },
        masks: stringMap,
        applied: {
          type: 'object',
          properties: { grants: stringList, filters: stringList, masks: stringList },
        },
        sources: { type: 'array', items: sourceSchema },
      },
    },
  },
} as const;
