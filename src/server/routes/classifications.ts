import type { FastifyInstance } from 'fastify';
import { CLASSIFICATIONS, MAX_SAMPLE_SIZE, SUGGESTION_STATUSES } from '../../catalog/index.js';
import type { Classifications, SuggestionStatus } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['classifications'];
const nullableString = { type: ['string', 'null'] } as const;

const suggestionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    table: { type: 'string', examples: ['bronze.crm.customers'] },
    column: { type: 'string', examples: ['email'] },
    classification: { type: 'string', enum: CLASSIFICATIONS },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    sampleSize: { type: 'integer' },
    matchedCount: { type: 'integer' },
    nameHint: { type: 'boolean' },
    status: { type: 'string', enum: SUGGESTION_STATUSES },
    detectedBy: { type: 'string' },
    detectedAt: { type: 'string' },
    decidedBy: nullableString,
    decidedAt: nullableString,
    rejectReason: nullableString,
  },
} as const;

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

/** Sensitive-data detection: run it on a table, review what it suggests. */
export function classificationRoutes(app: FastifyInstance, classifications: Classifications): void {
  app.post<{ Params: { table: string }; Body: { sampleSize?: number; reopenRejected?: boolean } }>(
    '/tables/:table/classify',
    {
      schema: {
        tags,
        summary: 'Sample the text columns you may read and suggest classifications',
        params: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string', examples: ['bronze.crm.customers'] } },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            sampleSize: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_SAMPLE_SIZE,
              description: 'Non-null values sampled per column (default 1000)',
            },
            reopenRejected: {
              type: 'boolean',
              description: 'Make rejected suggestions found again pending again',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              table: { type: 'string' },
              sampled: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { column: { type: 'string' }, values: { type: 'integer' } },
                },
              },
              skipped: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { column: { type: 'string' }, reason: { type: 'string' } },
                },
              },
              suggestions: { type: 'array', items: suggestionSchema },
            },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) =>
      classifications.classify(
        callerOf(request),
        parseTableName(request.params.table),
        request.body ?? {},
      ),
  );

  app.get<{ Querystring: { table?: string; status?: SuggestionStatus } }>(
    '/classifications',
    {
      schema: {
        tags,
        summary: 'Suggested classifications on tables you may describe',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            table: { type: 'string', examples: ['bronze.crm.customers'] },
            status: { type: 'string', enum: SUGGESTION_STATUSES },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { suggestions: { type: 'array', items: suggestionSchema } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { table, status } = request.query;
      return {
        suggestions: await classifications.list(callerOf(request), {
          ...(table === undefined ? {} : { table: parseTableName(table) }),
          ...(status === undefined ? {} : { status }),
        }),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/classifications/:id/accept',
    {
      schema: {
        tags,
        summary: 'Accept: tag the column classification=<value> (needs APPLY_TAG)',
        params: idParam,
        response: { 200: suggestionSchema, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => classifications.accept(callerOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/classifications/:id/reject',
    {
      schema: {
        tags,
        summary: 'Reject, saying why (needs APPLY_TAG); an accepted tag is removed',
        params: idParam,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1 } },
        },
        response: { 200: suggestionSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      classifications.reject(callerOf(request), request.params.id, request.body.reason),
  );
}
