import type { FastifyInstance } from 'fastify';
import type { Jobs } from '../../pipelines/index.js';
import { JOB_MODES, RUN_STATUSES } from '../../pipelines/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['jobs'];
const nullableString = { type: ['string', 'null'] } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

/** The definition's keys (types only: the use case reports every issue at once). */
const definitionProperties = {
  description: nullableString,
  target: { type: 'string', examples: ['silver.shop.orders'] },
  mode: { type: 'string', enum: [...JOB_MODES] },
  sql: { type: 'string', examples: ['SELECT * FROM bronze.shop.orders'] },
  keys: strings,
  dedupe: { type: 'boolean' },
  dedupeOrderBy: nullableString,
  schedule: { ...nullableString, examples: ['0 3 * * *'], description: 'cron expression, UTC' },
  after: { ...strings, description: 'jobs that must succeed first' },
  runAs: { type: 'string', description: 'principal it runs as (another than you: admins only)' },
  quality: {
    type: ['object', 'null'],
    properties: {
      ruleset: { type: 'string', examples: ['Rules = [ IsComplete "order_id" ]'] },
      onFailure: { type: 'string', enum: ['stop', 'quarantine'] },
    },
  },
  retries: {
    type: 'object',
    properties: { max: { type: 'integer' }, backoffMs: { type: 'integer' } },
  },
} as const;

const jobSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    ...definitionProperties,
    runAs: { type: 'string' },
    version: { type: 'integer' },
    owner: { type: 'string' },
    source: nullableString,
    nextRunAt: nullableString,
    activeRunId: nullableString,
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    job: { type: 'string' },
    jobVersion: { type: 'integer' },
    trigger: { type: 'string', enum: ['manual', 'schedule', 'upstream'] },
    runAs: { type: 'string' },
    status: { type: 'string', enum: [...RUN_STATUSES] },
    reason: nullableString,
    queuedAt: { type: 'string' },
    startedAt: nullableString,
    endedAt: nullableString,
    attempts: { type: 'array', items: anyObject },
    rowsRead: { type: 'integer' },
    rowsWritten: { type: 'integer' },
    rowsRejected: { type: 'integer' },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        properties: { table: { type: 'string' }, snapshotId: nullableString },
      },
    },
    targetSnapshotId: nullableString,
    sql: { type: 'string' },
    quality: { type: ['object', 'null'], additionalProperties: true },
    error: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

const detailsSchema = {
  type: 'object',
  properties: {
    ...jobSchema.properties,
    upstream: strings,
    downstream: strings,
    lastRun: { ...runSchema, type: ['object', 'null'] },
  },
} as const;

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

type Body = Record<string, unknown>;

/** Medallion jobs: definitions (one by one or a folder of YAML), runs now and run history. */
export function jobRoutes(app: FastifyInstance, jobs: Jobs): void {
  app.get(
    '/jobs',
    {
      schema: {
        tags,
        summary: 'List the jobs the caller owns or that run as the caller (every job for an admin)',
        response: {
          200: { type: 'object', properties: { jobs: { type: 'array', items: jobSchema } } },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ jobs: await jobs.list(callerOf(request)) }),
  );

  app.post<{ Body: Body }>(
    '/jobs',
    {
      schema: {
        tags,
        summary: 'Create a job (needs INSERT on its target, or CREATE_TABLE on its namespace)',
        body: {
          type: 'object',
          required: ['name', 'target', 'mode', 'sql'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', examples: ['silver_orders'] },
            ...definitionProperties,
          },
        },
        response: { 201: jobSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await jobs.create(callerOf(request), request.body)),
  );

  app.post<{ Body: { files: { path: string; text: string }[]; source: string; prune?: boolean } }>(
    '/jobs/apply',
    {
      schema: {
        tags,
        summary:
          'Create or update every job of a folder of YAML files; with prune, delete the jobs of that folder no longer in it',
        body: {
          type: 'object',
          required: ['files', 'source'],
          additionalProperties: false,
          properties: {
            files: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'text'],
                properties: { path: { type: 'string' }, text: { type: 'string' } },
              },
            },
            source: { type: 'string', minLength: 1, examples: ['pipelines/'] },
            prune: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              created: strings,
              updated: strings,
              unchanged: strings,
              deleted: strings,
            },
          },
          ...errorResponses(400, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { files, source, prune } = request.body;
      return jobs.apply(callerOf(request), files, { source, prune: prune === true });
    },
  );

  app.get<{ Params: { runId: string } }>(
    '/jobs/runs/:runId',
    {
      schema: {
        tags,
        summary: 'One run of a job',
        params: {
          type: 'object',
          required: ['runId'],
          properties: { runId: { type: 'string', minLength: 1 } },
        },
        response: { 200: runSchema, ...errorResponses(404) },
      },
    },
    async (request) => jobs.getRun(callerOf(request), request.params.runId),
  );

  app.get<{ Params: { name: string } }>(
    '/jobs/:name',
    {
      schema: {
        tags,
        summary: 'A job: definition, version, schedule, next and last run, upstream and downstream',
        params: nameParam,
        response: { 200: detailsSchema, ...errorResponses(404) },
      },
    },
    async (request) => jobs.show(callerOf(request), request.params.name),
  );

  app.patch<{ Params: { name: string }; Body: Body }>(
    '/jobs/:name',
    {
      schema: {
        tags,
        summary: 'Change a job (owner or admin); a real change is a new version',
        params: nameParam,
        body: { type: 'object', additionalProperties: false, properties: definitionProperties },
        response: { 200: jobSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => jobs.update(callerOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    '/jobs/:name',
    {
      schema: {
        tags,
        summary: 'Delete a job with its versions and runs (owner or admin)',
        params: nameParam,
        response: { 204: { type: 'null' }, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await jobs.delete(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { name: string }; Querystring: { wait?: boolean } }>(
    '/jobs/:name/run',
    {
      schema: {
        tags,
        summary: 'Run a job now (owner or admin); with wait=true answer when the run has ended',
        params: nameParam,
        querystring: { type: 'object', properties: { wait: { type: 'boolean' } } },
        response: { 202: runSchema, 200: runSchema, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const wait = request.query.wait === true;
      const run = await jobs.run(callerOf(request), request.params.name, { wait });
      return reply.code(wait ? 200 : 202).send(run);
    },
  );

  app.get<{ Params: { name: string }; Querystring: { limit?: number } }>(
    '/jobs/:name/runs',
    {
      schema: {
        tags,
        summary: "A job's runs, newest first",
        params: nameParam,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        response: {
          200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } },
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({
      runs: await jobs.runHistory(callerOf(request), request.params.name, request.query.limit),
    }),
  );

  app.get<{ Params: { name: string } }>(
    '/jobs/:name/versions',
    {
      schema: {
        tags,
        summary: 'Every version of the definition, newest first',
        params: nameParam,
        response: {
          200: {
            type: 'object',
            properties: {
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    version: { type: 'integer' },
                    changedBy: { type: 'string' },
                    changedAt: { type: 'string' },
                    definition: jobSchema,
                  },
                },
              },
            },
          },
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({ versions: await jobs.history(callerOf(request), request.params.name) }),
  );
}
