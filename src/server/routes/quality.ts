import type { FastifyInstance } from 'fastify';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import type { Quality, RulesetChoice } from '../../quality/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['quality'];
const nullableString = { type: ['string', 'null'] } as const;
const anything = {} as const;

const tableParam = {
  type: 'object',
  required: ['table'],
  properties: { table: { type: 'string', minLength: 1, examples: ['silver.retail.sales'] } },
} as const;
const rulesetParam = {
  type: 'object',
  required: ['table', 'name'],
  properties: { ...tableParam.properties, name: { type: 'string', minLength: 1 } },
} as const;

const ruleResultSchema = {
  type: 'object',
  properties: {
    rule: { type: 'string', examples: ['ColumnValues "quantity" > 0'] },
    line: { type: 'integer' },
    severity: { type: 'string', enum: ['error', 'warn'] },
    status: { type: 'string', enum: ['pass', 'fail', 'error'] },
    value: { type: ['number', 'string', 'null'] },
    message: { type: 'string' },
    failingRows: {
      type: 'object',
      properties: {
        columns: { type: 'array', items: { type: 'string' } },
        rows: { type: 'array', items: { type: 'array', items: anything } },
      },
    },
  },
} as const;

const resultSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    ruleset: nullableString,
    snapshotId: nullableString,
    evaluatedAt: { type: 'string' },
    rowCount: { type: 'integer' },
    score: { type: 'number' },
    status: { type: 'string', enum: ['passed', 'warning', 'failed'] },
    rules: { type: 'array', items: ruleResultSchema },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
  },
} as const;

const rulesetSchema = {
  type: 'object',
  properties: {
    table: { type: 'array', items: { type: 'string' } },
    name: { type: 'string' },
    ruleset: { type: 'string' },
    description: nullableString,
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    updatedBy: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    rulesetName: nullableString,
    snapshotId: nullableString,
    evaluatedBy: { type: 'string' },
    evaluatedAt: { type: 'string' },
    rowCount: { type: 'integer' },
    score: { type: 'number' },
    status: { type: 'string' },
    rules: { type: 'array', items: ruleResultSchema },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
  },
} as const;

const profileSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    rowCount: { type: 'integer' },
    profiledAt: { type: 'string' },
    columns: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

const rulesText = {
  type: 'string',
  minLength: 1,
  description: 'A DQDL ruleset',
  examples: ['Rules = [ IsComplete "customer_id", ColumnValues "quantity" > 0 ]'],
} as const;

function choiceOf(body: { ruleset?: string; rules?: string }): RulesetChoice {
  if ((body.ruleset === undefined) === (body.rules === undefined)) {
    throw new InvalidInput(
      'QUALITY_RULESET_CHOICE',
      'Give either ruleset (a stored name) or rules (DQDL text).',
      {
        hint: 'e.g. {"ruleset": "silver_checks"} or {"rules": "Rules = [ RowCount > 0 ]"}',
      },
    );
  }
  return body.ruleset !== undefined ? { name: body.ruleset } : { text: body.rules! };
}

/** Data quality: evaluate rulesets, keep them per table, see the history, profile and recommend. */
export function qualityRoutes(app: FastifyInstance, quality: Quality): void {
  app.post<{
    Params: { table: string };
    Body: { ruleset?: string; rules?: string; publish?: boolean };
  }>(
    '/quality/tables/:table/evaluate',
    {
      schema: {
        tags,
        summary: 'Evaluate a stored or given ruleset over the table as you read it',
        params: tableParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ruleset: { type: 'string', minLength: 1, description: 'Name of a stored ruleset' },
            rules: rulesText,
            publish: {
              type: 'boolean',
              description:
                'Also set quality_score, quality_status and null_rate.<column> (needs ALTER)',
            },
          },
        },
        response: { 200: resultSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      quality.evaluate(
        callerOf(request),
        parseTableName(request.params.table),
        choiceOf(request.body),
        {
          publish: request.body.publish === true,
        },
      ),
  );

  app.post<{ Body: { rules: string } }>(
    '/quality/validate',
    {
      schema: {
        tags,
        summary: 'Check a DQDL ruleset (errors name the line and column)',
        body: {
          type: 'object',
          required: ['rules'],
          additionalProperties: false,
          properties: { rules: rulesText },
        },
        response: {
          200: { type: 'object', properties: { valid: { type: 'boolean' } } },
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      quality.validate(request.body.rules);
      return { valid: true };
    },
  );

  app.get<{ Params: { table: string } }>(
    '/quality/tables/:table/rulesets',
    {
      schema: {
        tags,
        summary: "List a table's rulesets",
        params: tableParam,
        response: {
          200: {
            type: 'object',
            properties: { rulesets: { type: 'array', items: rulesetSchema } },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request) => ({
      rulesets: await quality.listRulesets(callerOf(request), parseTableName(request.params.table)),
    }),
  );

  app.post<{
    Params: { table: string };
    Body: { name: string; ruleset: string; description?: string };
  }>(
    '/quality/tables/:table/rulesets',
    {
      schema: {
        tags,
        summary: 'Store a ruleset for the table under a name (needs ALTER)',
        params: tableParam,
        body: {
          type: 'object',
          required: ['name', 'ruleset'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['silver_checks'] },
            ruleset: rulesText,
            description: { type: 'string' },
          },
        },
        response: { 201: rulesetSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await quality.createRuleset(
            callerOf(request),
            parseTableName(request.params.table),
            request.body,
          ),
        ),
  );

  app.get<{ Params: { table: string; name: string } }>(
    '/quality/tables/:table/rulesets/:name',
    {
      schema: {
        tags,
        summary: 'One ruleset',
        params: rulesetParam,
        response: { 200: rulesetSchema, ...errorResponses(403, 404) },
      },
    },
    async (request) =>
      quality.getRuleset(
        callerOf(request),
        parseTableName(request.params.table),
        request.params.name,
      ),
  );

  app.put<{
    Params: { table: string; name: string };
    Body: { ruleset: string; description?: string | null };
  }>(
    '/quality/tables/:table/rulesets/:name',
    {
      schema: {
        tags,
        summary: "Replace a ruleset's text (needs ALTER)",
        params: rulesetParam,
        body: {
          type: 'object',
          required: ['ruleset'],
          additionalProperties: false,
          properties: { ruleset: rulesText, description: nullableString },
        },
        response: { 200: rulesetSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      quality.updateRuleset(
        callerOf(request),
        parseTableName(request.params.table),
        request.params.name,
        request.body,
      ),
  );

  app.delete<{ Params: { table: string; name: string } }>(
    '/quality/tables/:table/rulesets/:name',
    {
      schema: {
        tags,
        summary: 'Delete a ruleset (needs ALTER)',
        params: rulesetParam,
        response: { 204: { type: 'null' }, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await quality.deleteRuleset(
        callerOf(request),
        parseTableName(request.params.table),
        request.params.name,
      );
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { table: string }; Querystring: { limit?: number } }>(
    '/quality/tables/:table/runs',
    {
      schema: {
        tags,
        summary: "The table's evaluations, newest first",
        params: tableParam,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
        },
        response: {
          200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request) => ({
      runs: await quality.runs(
        callerOf(request),
        parseTableName(request.params.table),
        request.query.limit,
      ),
    }),
  );

  app.get<{ Params: { table: string } }>(
    '/quality/tables/:table/profile',
    {
      schema: {
        tags,
        summary:
          'Profile the columns: nulls, distinct, min/max, mean/stddev, top values, histogram',
        params: tableParam,
        response: { 200: profileSchema, ...errorResponses(403, 404) },
      },
    },
    async (request) => quality.profile(callerOf(request), parseTableName(request.params.table)),
  );

  app.get<{ Params: { table: string } }>(
    '/quality/tables/:table/recommendation',
    {
      schema: {
        tags,
        summary: 'A starter DQDL ruleset recommended from a profile of the table',
        params: tableParam,
        response: {
          200: {
            type: 'object',
            properties: { ruleset: { type: 'string' }, profile: profileSchema },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request) => quality.recommend(callerOf(request), parseTableName(request.params.table)),
  );
}
