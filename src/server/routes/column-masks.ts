import type { FastifyInstance } from 'fastify';
import { MASK_FUNCTIONS } from '../../governance/index.js';
import type { MaskFunction, PolicyAdmin } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { columnMaskSchema, errorResponses, granteeRefSchema } from '../schemas.js';
import { granteeOf, tablePath, tableQuery, type GranteeKindText } from './governance-params.js';

const tags = ['column masks'];

interface SetBody {
  table: string;
  column: string;
  function: MaskFunction;
  expression?: string;
  exempt?: { kind: GranteeKindText; name: string }[];
}

/** Masks that replace a column's values for everyone but the exempt. */
export function columnMaskRoutes(app: FastifyInstance, policies: PolicyAdmin): void {
  app.get<{ Querystring: { table?: string } }>(
    '/column-masks',
    {
      schema: {
        tags,
        summary: 'List column masks, of every table or of ?table=',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { table: tableQuery },
        },
        response: {
          200: {
            type: 'object',
            properties: { masks: { type: 'array', items: columnMaskSchema } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { table } = request.query;
      const caller = callerOf(request);
      return {
        masks: await (table === undefined
          ? policies.listColumnMasks(caller)
          : policies.listColumnMasks(caller, tablePath(table))),
      };
    },
  );

  app.put<{ Body: SetBody }>(
    '/column-masks',
    {
      schema: {
        tags,
        summary: 'Mask a column (one mask per column: setting again replaces it)',
        body: {
          type: 'object',
          required: ['table', 'column', 'function'],
          additionalProperties: false,
          properties: {
            table: { ...tableQuery, minLength: 1 },
            column: { type: 'string', minLength: 1, examples: ['ssn'] },
            function: { type: 'string', enum: MASK_FUNCTIONS, examples: ['MASK_SHOW_LAST_4'] },
            expression: {
              type: 'string',
              minLength: 1,
              description: 'The SQL of a CUSTOM mask, over the column',
            },
            exempt: { type: 'array', items: granteeRefSchema },
          },
        },
        response: { 200: columnMaskSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { table, exempt, ...rest } = request.body;
      return policies.setColumnMask(callerOf(request), {
        ...rest,
        table: tablePath(table),
        ...(exempt === undefined ? {} : { exempt: exempt.map(granteeOf) }),
      });
    },
  );

  app.delete<{ Params: { table: string; column: string } }>(
    '/column-masks/:table/:column',
    {
      schema: {
        tags,
        summary: 'Remove the mask of a column',
        params: {
          type: 'object',
          required: ['table', 'column'],
          properties: { table: tableQuery, column: { type: 'string', minLength: 1 } },
        },
        response: { 204: { type: 'null' }, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { table, column } = request.params;
      await policies.deleteColumnMask(callerOf(request), tablePath(table), column);
      return reply.code(204).send();
    },
  );
}
