import type { FastifyInstance } from 'fastify';
import type {
  CatalogService,
  CreateTableInput,
  GovernedCatalog,
  SchemaChange,
  TableDescription,
} from '../../catalog/index.js';
import { formatTableName, parseTableName } from '../../catalog/index.js';
import type { IcebergType } from '../../iceberg/index.js';
import { callerOf } from '../caller.js';
import { parseType } from '../../iceberg/index.js';
import {
  deletedRowsSchema,
  errorResponses,
  icebergTypeSchema,
  propertiesPatchSchema,
  schemaChangeSchema,
  snapshotSchema,
  tableSchema,
} from '../schemas.js';

const tags = ['tables'];
const tableParam = {
  type: 'object',
  required: ['table'],
  properties: {
    table: { type: 'string', description: 'Dotted name, e.g. bronze.retail.invoices' },
  },
} as const;

interface TableParams {
  table: string;
}

type TypeInput = string | Exclude<IcebergType, string>;

interface CreateTableBody extends Omit<CreateTableInput, 'columns'> {
  name: string;
  columns: { name: string; type: TypeInput; required?: boolean; doc?: string }[];
}

/** Primitive names arrive as people type them ('bigint', 'DECIMAL(10,2)'); nested types as spec JSON. */
function toIcebergType(type: TypeInput): IcebergType {
  return typeof type === 'string' ? parseType(type) : type;
}

function toTableJson(table: TableDescription): TableDescription & { fullName: string } {
  return { fullName: formatTableName(table), ...table };
}

function toSchemaChange(change: SchemaChange): SchemaChange {
  if ((change.kind === 'add' || change.kind === 'widen') && change.type !== undefined) {
    return { ...change, type: toIcebergType(change.type as TypeInput) };
  }
  return change;
}

export function tableRoutes(app: FastifyInstance, catalog: GovernedCatalog): void {
  app.post<{ Body: CreateTableBody }>(
    '/tables',
    {
      schema: {
        tags,
        summary: 'Create an empty Iceberg table',
        body: {
          type: 'object',
          required: ['name', 'columns'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['bronze.retail.invoices'] },
            columns: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['name', 'type'],
                additionalProperties: false,
                properties: {
                  name: { type: 'string', minLength: 1 },
                  type: icebergTypeSchema,
                  required: { type: 'boolean' },
                  doc: { type: 'string' },
                },
              },
            },
            partitionBy: {
              type: 'array',
              items: {
                type: 'object',
                required: ['source', 'transform'],
                additionalProperties: false,
                properties: {
                  source: { type: 'string' },
                  transform: { type: 'string', examples: ['day', 'bucket[16]'] },
                  name: { type: 'string' },
                },
              },
            },
            description: { type: 'string' },
            properties: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        response: { 201: tableSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { name, columns, ...rest } = request.body;
      const created = await catalog.createTable(callerOf(request), parseTableName(name), {
        ...rest,
        columns: columns.map((c) => ({ ...c, type: toIcebergType(c.type) })),
      });
      return reply.code(201).send(toTableJson(created));
    },
  );

  app.get<{ Params: TableParams }>(
    '/tables/:table',
    {
      schema: {
        tags,
        summary: 'Describe a table: schema, properties, partitioning, counts',
        params: tableParam,
        response: { 200: tableSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      toTableJson(
        await catalog.describeTable(callerOf(request), parseTableName(request.params.table)),
      ),
  );

  app.patch<{ Params: TableParams; Body: Parameters<CatalogService['updateTable']>[1] }>(
    '/tables/:table',
    {
      schema: {
        tags,
        summary: 'Change the description or properties of a table',
        params: tableParam,
        body: propertiesPatchSchema,
        response: { 200: tableSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      toTableJson(
        await catalog.updateTable(
          callerOf(request),
          parseTableName(request.params.table),
          request.body,
        ),
      ),
  );

  app.delete<{ Params: TableParams; Querystring: { purge?: boolean } }>(
    '/tables/:table',
    {
      schema: {
        tags,
        summary: 'Drop a table (?purge=false keeps its files)',
        params: tableParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { purge: { type: 'boolean', default: true } },
        },
        response: { 204: { type: 'null' }, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await catalog.dropTable(callerOf(request), parseTableName(request.params.table), {
        purge: request.query.purge !== false,
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: TableParams; Body: { newName: string } }>(
    '/tables/:table/rename',
    {
      schema: {
        tags,
        summary: 'Rename or move a table',
        params: tableParam,
        body: {
          type: 'object',
          required: ['newName'],
          additionalProperties: false,
          properties: { newName: { type: 'string', minLength: 1 } },
        },
        response: { 200: tableSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const to = parseTableName(request.body.newName);
      const caller = callerOf(request);
      await catalog.renameTable(caller, parseTableName(request.params.table), to);
      return toTableJson(await catalog.describeTable(caller, to));
    },
  );

  app.get<{ Params: TableParams }>(
    '/tables/:table/snapshots',
    {
      schema: {
        tags,
        summary: "List a table's snapshots, newest first",
        params: tableParam,
        response: {
          200: {
            type: 'object',
            properties: { snapshots: { type: 'array', items: snapshotSchema } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => ({
      snapshots: await catalog.snapshots(callerOf(request), parseTableName(request.params.table)),
    }),
  );

  app.post<{ Params: TableParams; Body: { snapshotId: string } }>(
    '/tables/:table/rollback',
    {
      schema: {
        tags,
        summary: 'Make an earlier snapshot current again',
        params: tableParam,
        body: {
          type: 'object',
          required: ['snapshotId'],
          additionalProperties: false,
          properties: { snapshotId: { type: 'string', pattern: '^[0-9]{1,19}$' } },
        },
        response: { 200: snapshotSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      catalog.rollback(
        callerOf(request),
        parseTableName(request.params.table),
        BigInt(request.body.snapshotId),
      ),
  );

  app.post<{ Params: TableParams; Body: { where: string } }>(
    '/tables/:table/delete-rows',
    {
      schema: {
        tags,
        summary: 'Delete the rows matching a SQL condition (copy-on-write, one new snapshot)',
        params: tableParam,
        body: {
          type: 'object',
          required: ['where'],
          additionalProperties: false,
          properties: { where: { type: 'string', minLength: 1, examples: ["Country = 'France'"] } },
        },
        response: { 200: deletedRowsSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      catalog.deleteRows(
        callerOf(request),
        parseTableName(request.params.table),
        request.body.where,
      ),
  );

  app.post<{ Params: TableParams; Body: { changes: SchemaChange[] } }>(
    '/tables/:table/schema',
    {
      schema: {
        tags,
        summary: 'Evolve the schema: add, rename, drop, widen, reorder columns',
        params: tableParam,
        body: {
          type: 'object',
          required: ['changes'],
          additionalProperties: false,
          properties: { changes: { type: 'array', minItems: 1, items: schemaChangeSchema } },
        },
        response: { 200: tableSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      toTableJson(
        await catalog.evolveSchema(
          callerOf(request),
          parseTableName(request.params.table),
          request.body.changes.map(toSchemaChange),
        ),
      ),
  );
}
