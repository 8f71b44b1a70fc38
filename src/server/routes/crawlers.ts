import type { FastifyInstance } from 'fastify';
import type { CrawlerInput, CrawlerPatch, Crawlers } from '../../crawler/index.js';
import { DELETION_POLICIES, RECRAWL_MODES, SCHEMA_CHANGE_POLICIES } from '../../crawler/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['crawlers'];
const nullableString = { type: ['string', 'null'] } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

const crawlerSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', examples: ['bronze-crawler'] },
    description: nullableString,
    owner: { type: 'string' },
    targets: strings,
    exclude: strings,
    namespace: { type: 'string', examples: ['bronze.raw'] },
    tablePrefix: { type: 'string', examples: ['bronze_'] },
    schedule: nullableString,
    schemaChangePolicy: { type: 'string', enum: [...SCHEMA_CHANGE_POLICIES] },
    deletionPolicy: { type: 'string', enum: [...DELETION_POLICIES] },
    recrawl: { type: 'string', enum: [...RECRAWL_MODES] },
    nextRunAt: nullableString,
    running: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const outcomeSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    action: { type: 'string' },
    reason: { type: 'string' },
    location: { type: 'string' },
    format: { type: 'string' },
    files: { type: 'integer' },
    recordCount: { type: 'integer' },
    schemaChange: {
      type: 'object',
      properties: {
        added: strings,
        removed: strings,
        retyped: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              column: { type: 'string' },
              from: { type: 'string' },
              to: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    crawler: { type: 'string' },
    trigger: { type: 'string', enum: ['manual', 'schedule'] },
    runAs: { type: 'string' },
    status: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
    startedAt: { type: 'string' },
    endedAt: nullableString,
    error: nullableString,
    report: {
      type: ['object', 'null'],
      properties: {
        filesSeen: { type: 'integer' },
        tables: { type: 'array', items: outcomeSchema },
        skipped: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string' },
              kind: { type: 'string' },
              reason: { type: 'string' },
            },
          },
        },
        summary: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    },
  },
} as const;

const definitionProperties = {
  targets: { ...strings, minItems: 1, examples: [['file:///srv/landing/sales']] },
  exclude: { ...strings, examples: [['**/*.tmp']] },
  namespace: { type: 'string', minLength: 1, examples: ['bronze.raw'] },
  tablePrefix: { type: 'string', examples: ['bronze_'] },
  schedule: { ...nullableString, examples: ['0 3 * * *'], description: 'cron expression, UTC' },
  schemaChangePolicy: { type: 'string', enum: [...SCHEMA_CHANGE_POLICIES] },
  deletionPolicy: { type: 'string', enum: [...DELETION_POLICIES] },
  recrawl: { type: 'string', enum: [...RECRAWL_MODES] },
  description: nullableString,
} as const;

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

/** Crawlers: definitions, runs now and run history (scheduled runs start in the server). */
export function crawlerRoutes(app: FastifyInstance, crawlers: Crawlers): void {
  app.get(
    '/crawlers',
    {
      schema: {
        tags,
        summary: 'List the crawlers the caller owns (every crawler for an admin)',
        response: {
          200: {
            type: 'object',
            properties: { crawlers: { type: 'array', items: crawlerSchema } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ crawlers: await crawlers.list(callerOf(request)) }),
  );

  app.post<{ Body: CrawlerInput }>(
    '/crawlers',
    {
      schema: {
        tags,
        summary: 'Create a crawler (needs CREATE_TABLE on its namespace); the caller owns it',
        body: {
          type: 'object',
          required: ['name', 'targets', 'namespace'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['bronze-crawler'] },
            ...definitionProperties,
          },
        },
        response: { 201: crawlerSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await crawlers.create(callerOf(request), request.body)),
  );

  app.get<{ Params: { name: string } }>(
    '/crawlers/:name',
    {
      schema: {
        tags,
        summary: 'Show a crawler',
        params: nameParam,
        response: { 200: crawlerSchema, ...errorResponses(404) },
      },
    },
    async (request) => crawlers.get(callerOf(request), request.params.name),
  );

  app.patch<{ Params: { name: string }; Body: CrawlerPatch }>(
    '/crawlers/:name',
    {
      schema: {
        tags,
        summary: 'Change a crawler',
        params: nameParam,
        body: { type: 'object', additionalProperties: false, properties: definitionProperties },
        response: { 200: crawlerSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => crawlers.update(callerOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    '/crawlers/:name',
    {
      schema: {
        tags,
        summary: 'Delete a crawler and its run history (the tables it registered stay)',
        params: nameParam,
        response: { 204: { type: 'null' }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await crawlers.delete(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { name: string } }>(
    '/crawlers/:name/run',
    {
      schema: {
        tags,
        summary: 'Run a crawler now, as its owner; answers with the finished run',
        params: nameParam,
        response: { 200: runSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => crawlers.run(callerOf(request), request.params.name),
  );

  app.get<{ Params: { name: string }; Querystring: { limit?: number } }>(
    '/crawlers/:name/runs',
    {
      schema: {
        tags,
        summary: "A crawler's runs, newest first, with what each did and skipped, and why",
        params: nameParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        response: {
          200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } },
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({
      runs: await crawlers.runs(callerOf(request), request.params.name, request.query.limit),
    }),
  );
}
