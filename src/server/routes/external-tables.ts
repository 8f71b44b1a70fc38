import type { FastifyInstance } from 'fastify';
import { formatTableName, parseTableName } from '../../catalog/index.js';
import type {
  ExternalTablePatch,
  ExternalTableSpec,
  GovernedCatalog,
  TableDescription,
} from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses, externalSpecProperties, tableSchema } from '../schemas.js';

const tags = ['tables'];
const tableParam = {
  type: 'object',
  required: ['table'],
  properties: {
    table: { type: 'string', description: 'Dotted name, e.g. bronze.raw.flights_csv' },
  },
} as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

interface CreateBody extends Omit<
  ExternalTableSpec,
  'compression' | 'partitionColumns' | 'exclude' | 'csv'
> {
  name: string;
  compression?: ExternalTableSpec['compression'];
  csv?: Partial<NonNullable<ExternalTableSpec['csv']>>;
  partitionColumns?: ExternalTableSpec['partitionColumns'];
  exclude?: string[];
  description?: string;
  properties?: Record<string, string>;
}

function toJson(table: TableDescription): TableDescription & { fullName: string } {
  return { fullName: formatTableName(table), ...table };
}

/** A CSV dialect given in part takes DuckDB's usual defaults for the rest. */
function dialect(csv: CreateBody['csv']): ExternalTableSpec['csv'] {
  if (csv === undefined) return undefined;
  return { delimiter: ',', quote: '"', escape: '"', header: true, ...csv };
}

/** External tables: raw files registered in place, and their conversion into Iceberg tables. */
export function externalTableRoutes(app: FastifyInstance, catalog: GovernedCatalog): void {
  app.post<{ Body: CreateBody }>(
    '/external-tables',
    {
      schema: {
        tags,
        summary: 'Register a folder of raw files (CSV, JSON, NDJSON, Parquet) as an external table',
        body: {
          type: 'object',
          required: ['name', 'location', 'format', 'columns'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['bronze.raw.flights_csv'] },
            ...externalSpecProperties,
            description: { type: 'string' },
            properties: stringMap,
          },
        },
        response: { 201: tableSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { name, description, properties, csv, ...spec } = request.body;
      const checkedDialect = dialect(csv);
      const created = await catalog.createExternalTable(
        callerOf(request),
        parseTableName(name),
        {
          ...spec,
          compression: spec.compression ?? 'none',
          partitionColumns: spec.partitionColumns ?? [],
          exclude: spec.exclude ?? [],
          ...(checkedDialect === undefined ? {} : { csv: checkedDialect }),
        },
        {
          ...(description === undefined ? {} : { description }),
          ...(properties === undefined ? {} : { properties }),
        },
      );
      return reply.code(201).send(toJson(created));
    },
  );

  app.get<{ Params: { table: string } }>(
    '/external-tables/:table',
    {
      schema: {
        tags,
        summary: 'Describe an external table: location, format, dialect, partitions, files now',
        params: tableParam,
        response: { 200: tableSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      toJson(await catalog.describeTable(callerOf(request), parseTableName(request.params.table))),
  );

  app.patch<{
    Params: { table: string };
    Body: Omit<ExternalTablePatch, 'csv'> & { csv?: CreateBody['csv'] };
  }>(
    '/external-tables/:table',
    {
      schema: {
        tags,
        summary: "Change an external table's read options, description or properties",
        params: tableParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...externalSpecProperties,
            description: { type: ['string', 'null'] },
            setProperties: stringMap,
            removeProperties: { type: 'array', items: { type: 'string' } },
          },
        },
        response: { 200: tableSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { csv, ...patch } = request.body;
      const checkedDialect = dialect(csv);
      return toJson(
        await catalog.updateExternalTable(callerOf(request), parseTableName(request.params.table), {
          ...patch,
          ...(checkedDialect === undefined ? {} : { csv: checkedDialect }),
        }),
      );
    },
  );

  app.post<{ Params: { table: string }; Body: { to: string; dropSource?: boolean } }>(
    '/tables/:table/convert',
    {
      schema: {
        tags,
        summary: 'Copy an external table into a new Iceberg table (visible only once complete)',
        params: tableParam,
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: {
            to: { type: 'string', minLength: 1, examples: ['bronze.flights.flights'] },
            dropSource: {
              type: 'boolean',
              default: false,
              description: 'Drop the external table after (its raw files stay)',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              table: tableSchema,
              rows: { type: 'integer' },
              files: { type: 'integer' },
            },
          },
          ...errorResponses(400, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const converted = await catalog.convertExternalTable(
        callerOf(request),
        parseTableName(request.params.table),
        parseTableName(request.body.to),
        { dropSource: request.body.dropSource === true },
      );
      return reply.code(201).send({ ...converted, table: toJson(converted.table) });
    },
  );
}
