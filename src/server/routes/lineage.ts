import type { FastifyInstance } from 'fastify';
import { DIRECTIONS } from '../../lineage/index.js';
import type { Direction, GoldTables, Lineage } from '../../lineage/index.js';
import type { LineageModelRecord } from '../../metastore/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['lineage'];
const nullableString = { type: ['string', 'null'] } as const;
const tableParam = {
  type: 'string',
  minLength: 1,
  examples: ['gold.revenue.customer_ltv'],
} as const;

const nodeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', examples: ['table:silver.crm.sales'] },
    kind: { type: 'string', enum: ['table', 'dataset', 'job', 'model', 'hidden'] },
    name: { ...nullableString, description: 'null for what the caller may not see' },
    depth: { type: 'integer' },
    columns: { type: 'array', items: { type: 'string' } },
    version: { type: ['integer', 'null'] },
    table: { type: 'string' },
    owner: { type: 'string' },
    description: nullableString,
    url: nullableString,
  },
} as const;

const edgeSchema = {
  type: 'object',
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    fromColumn: { type: 'string' },
    toColumn: { type: 'string' },
    transformation: { type: 'string', enum: ['identity', 'expression', 'aggregate'] },
    job: { type: 'string' },
  },
} as const;

const modelSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    modelId: { type: 'string' },
    owner: { type: 'string' },
    description: nullableString,
    url: nullableString,
    addedBy: { type: 'string' },
    addedAt: { type: 'string' },
  },
} as const;

const impactSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    column: nullableString,
    tables: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          depth: { type: 'integer' },
          columns: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    hiddenTables: { type: 'integer' },
    jobs: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, version: { type: ['integer', 'null'] } },
      },
    },
    hiddenJobs: { type: 'integer' },
    consumers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['model', 'dataset'] },
          name: { type: 'string' },
          modelId: { type: 'string' },
          table: { type: 'string' },
          owner: { type: 'string' },
          description: nullableString,
          url: nullableString,
        },
      },
    },
  },
} as const;

function modelView(model: LineageModelRecord) {
  const { tablePath, addedAt, ...rest } = model;
  return { ...rest, table: tablePath.join('.'), addedAt: addedAt.toISOString() };
}

/** The lineage graph, impact analysis, OpenLineage events from other tools, and gold tables for AI. */
export function lineageRoutes(app: FastifyInstance, lineage: Lineage, gold: GoldTables): void {
  app.get<{
    Querystring: { table: string; direction?: Direction; depth?: number; column?: string };
  }>(
    '/lineage',
    {
      schema: {
        tags,
        summary:
          'Lineage graph of a table or column (tables the caller may not DESCRIBE are redacted)',
        querystring: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: {
            table: tableParam,
            direction: { type: 'string', enum: [...DIRECTIONS], default: 'both' },
            depth: { type: 'integer', minimum: 1, maximum: 50, default: 3 },
            column: { type: 'string', minLength: 1 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              nodes: { type: 'array', items: nodeSchema },
              edges: { type: 'array', items: edgeSchema },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { table, direction = 'both', depth = 3, column } = request.query;
      return lineage.graph(callerOf(request), { table, direction, depth, column });
    },
  );

  app.get<{ Querystring: { table: string; column?: string } }>(
    '/lineage/impact',
    {
      schema: {
        tags,
        summary:
          'Every downstream table, job and consumer (ML models, other systems) of a table or column',
        querystring: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: { table: tableParam, column: { type: 'string', minLength: 1 } },
        },
        response: { 200: impactSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => lineage.impact(callerOf(request), request.query.table, request.query.column),
  );

  app.post<{ Body: Record<string, unknown> }>(
    '/lineage',
    {
      schema: {
        tags,
        summary: 'Report an OpenLineage RunEvent (Spark, Airflow, dbt …) into the graph',
        description:
          'Needs SELECT on each Lakeward table the event reads and MODIFY on each it writes; an event naming no Lakeward table needs an admin or service principal. Datasets in namespace `lakeward` or named by a table location link to that table.',
        body: { type: 'object' },
        response: {
          201: {
            type: 'object',
            properties: {
              runId: { type: 'string' },
              job: { type: 'string' },
              eventType: { type: 'string' },
              datasets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    namespace: { type: 'string' },
                    name: { type: 'string' },
                    table: nullableString,
                  },
                },
              },
            },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await lineage.importEvent(callerOf(request), request.body)),
  );

  app.get<{ Querystring: { job: string; limit?: number } }>(
    '/lineage/runs',
    {
      schema: {
        tags,
        summary: "A job's recorded runs, newest first (other tools' jobs as namespace/name)",
        querystring: {
          type: 'object',
          required: ['job'],
          additionalProperties: false,
          properties: {
            job: { type: 'string', minLength: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    runId: { type: 'string' },
                    job: { type: 'string' },
                    jobNamespace: { type: 'string' },
                    jobVersion: { type: ['integer', 'null'] },
                    eventType: { type: 'string' },
                    at: { type: 'string' },
                    origin: { type: 'string' },
                    producer: nullableString,
                    error: nullableString,
                  },
                },
              },
            },
          },
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const runs = await lineage.runs(callerOf(request), request.query.job, request.query.limit);
      return { runs: runs.map((r) => ({ ...r, at: r.at.toISOString() })) };
    },
  );

  app.get<{ Querystring: { table: string } }>(
    '/lineage/models',
    {
      schema: {
        tags,
        summary: 'ML models that consume a table',
        querystring: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: { table: tableParam },
        },
        response: {
          200: { type: 'object', properties: { models: { type: 'array', items: modelSchema } } },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => ({
      models: (await gold.listModels(callerOf(request), request.query.table)).map(modelView),
    }),
  );

  app.post<{
    Body: { table: string; modelId: string; owner: string; description?: string; url?: string };
  }>(
    '/lineage/models',
    {
      schema: {
        tags,
        summary: 'List an ML model as a consumer of a table (needs ALTER on the table)',
        body: {
          type: 'object',
          required: ['table', 'modelId', 'owner'],
          additionalProperties: false,
          properties: {
            table: tableParam,
            modelId: { type: 'string', minLength: 1, examples: ['churn_v3'] },
            owner: { type: 'string', minLength: 1, examples: ['data_science'] },
            description: { type: 'string' },
            url: { type: 'string', format: 'uri' },
          },
        },
        response: { 201: modelSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { table, ...model } = request.body;
      const added = await gold.addModel(callerOf(request), table, model);
      return reply.code(201).send(modelView(added));
    },
  );

  app.delete<{ Params: { modelId: string }; Querystring: { table: string } }>(
    '/lineage/models/:modelId',
    {
      schema: {
        tags,
        summary: 'Remove a model from the consumers of a table (needs ALTER on the table)',
        params: {
          type: 'object',
          required: ['modelId'],
          properties: { modelId: { type: 'string', minLength: 1 } },
        },
        querystring: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: { table: tableParam },
        },
        response: { 204: { type: 'null' }, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      await gold.removeModel(callerOf(request), request.query.table, request.params.modelId);
      return reply.code(204).send();
    },
  );

  app.post<{
    Body: {
      table: string;
      businessMetric?: string;
      featureStore?: { reference: string; entityKeys: string[]; eventTimeColumn?: string };
    };
  }>(
    '/lineage/gold',
    {
      schema: {
        tags,
        summary:
          "Declare a gold table's business metric (glossary term) and feature-store reference",
        body: {
          type: 'object',
          required: ['table'],
          additionalProperties: false,
          properties: {
            table: tableParam,
            businessMetric: { type: 'string', minLength: 1, examples: ['Customer Lifetime Value'] },
            featureStore: {
              type: 'object',
              required: ['reference', 'entityKeys'],
              additionalProperties: false,
              properties: {
                reference: {
                  type: 'string',
                  minLength: 1,
                  examples: ['feast://customer_features'],
                },
                entityKeys: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
                eventTimeColumn: { type: 'string', minLength: 1 },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              table: { type: 'string' },
              properties: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => {
      const { table, ...declaration } = request.body;
      const declared = await gold.declare(callerOf(request), table, declaration);
      return {
        table: [...declared.namespace, declared.name].join('.'),
        properties: declared.properties,
      };
    },
  );
}
