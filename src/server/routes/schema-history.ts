import type { FastifyInstance } from 'fastify';
import type { GovernedCatalog } from '../../catalog/index.js';
import { parseSchemaId, parseTableName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { columnSchema, errorResponses } from '../schemas.js';

const tags = ['tables'];
const nullableString = { type: ['string', 'null'] } as const;
const tableParam = {
  type: 'object',
  required: ['table'],
  properties: {
    table: { type: 'string', description: 'Dotted name, e.g. silver.sales.orders' },
  },
} as const;

const diffField = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    type: { type: 'string' },
    required: { type: 'boolean' },
    doc: nullableString,
  },
} as const;

function change(from: object, to: object) {
  return {
    type: 'array',
    items: {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, from, to },
    },
  } as const;
}

const diffSchema = {
  type: 'object',
  properties: {
    fromSchemaId: { type: 'integer' },
    toSchemaId: { type: 'integer' },
    added: { type: 'array', items: diffField },
    dropped: { type: 'array', items: diffField },
    renamed: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' } },
      },
    },
    widened: change({ type: 'string' }, { type: 'string' }),
    nullability: change({ type: 'string' }, { type: 'string' }),
    doc: change(nullableString, nullableString),
  },
} as const;

const versionSchema = {
  type: 'object',
  properties: {
    schemaId: { type: 'integer' },
    isCurrent: { type: 'boolean' },
    addedAt: { type: 'string', description: 'When the version first appeared in the metadata' },
    snapshot: {
      type: ['object', 'null'],
      description: 'The first snapshot written with this version; null when none used it yet',
      properties: { snapshotId: { type: 'string' }, timestamp: { type: 'string' } },
    },
    columns: { type: 'array', items: columnSchema },
    changes: { anyOf: [{ type: 'null' }, diffSchema] },
  },
} as const;

/** A table's schema versions and the diff between two of them (DESCRIBE on the table). */
export function schemaHistoryRoutes(app: FastifyInstance, catalog: GovernedCatalog): void {
  app.get<{ Params: { table: string } }>(
    '/tables/:table/schemas',
    {
      schema: {
        tags,
        summary:
          'Every schema version, oldest first, with the snapshot that introduced it and what changed',
        params: tableParam,
        response: {
          200: {
            type: 'object',
            properties: { versions: { type: 'array', items: versionSchema } },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => ({
      versions: await catalog.schemaHistory(
        callerOf(request),
        parseTableName(request.params.table),
      ),
    }),
  );

  app.get<{ Params: { table: string }; Querystring: { from: string; to: string } }>(
    '/tables/:table/schemas/diff',
    {
      schema: {
        tags,
        summary: 'What changed between two schema versions, by field id',
        params: tableParam,
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', description: 'Schema version id', examples: ['0'] },
            to: { type: 'string', description: 'Schema version id', examples: ['2'] },
          },
        },
        response: { 200: diffSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      catalog.schemaDiff(
        callerOf(request),
        parseTableName(request.params.table),
        parseSchemaId(request.query.from),
        parseSchemaId(request.query.to),
      ),
  );
}
