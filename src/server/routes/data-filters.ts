import type { FastifyInstance } from 'fastify';
import type { PolicyAdmin } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { dataFilterSchema, errorResponses, granteeRefSchema } from '../schemas.js';
import { granteeOf, tablePath, tableQuery, type GranteeKindText } from './governance-params.js';

const tags = ['data filters'];
const columnList = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', minLength: 1 },
} as const;
const filterParams = {
  type: 'object',
  required: ['table', 'name'],
  properties: { table: tableQuery, name: { type: 'string', minLength: 1 } },
} as const;

interface GranteeRef {
  kind: GranteeKindText;
  name: string;
}
interface FilterParams {
  table: string;
  name: string;
}
interface CreateBody {
  name: string;
  table: string;
  rowPredicate?: string;
  includeColumns?: string[];
  excludeColumns?: string[];
  grantees?: GranteeRef[];
}

/** Row and column filters on one table, granted to users and groups. */
export function dataFilterRoutes(app: FastifyInstance, policies: PolicyAdmin): void {
  app.get<{ Querystring: { table?: string } }>(
    '/data-filters',
    {
      schema: {
        tags,
        summary: 'List data filters, of every table or of ?table=',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { table: tableQuery },
        },
        response: {
          200: {
            type: 'object',
            properties: { filters: { type: 'array', items: dataFilterSchema } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { table } = request.query;
      const caller = callerOf(request);
      return {
        filters: await (table === undefined
          ? policies.listDataFilters(caller)
          : policies.listDataFilters(caller, tablePath(table))),
      };
    },
  );

  app.post<{ Body: CreateBody }>(
    '/data-filters',
    {
      schema: {
        tags,
        summary: 'Create a data filter: a row predicate and a column include or exclude list',
        body: {
          type: 'object',
          required: ['name', 'table'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['us_only'] },
            table: { ...tableQuery, minLength: 1 },
            rowPredicate: { type: 'string', minLength: 1, examples: ["region = 'US'"] },
            includeColumns: columnList,
            excludeColumns: columnList,
            grantees: { type: 'array', items: granteeRefSchema },
          },
          not: { required: ['includeColumns', 'excludeColumns'] },
        },
        response: { 201: dataFilterSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { table, grantees, ...rest } = request.body;
      const created = await policies.createDataFilter(callerOf(request), {
        ...rest,
        table: tablePath(table),
        ...(grantees === undefined ? {} : { grantees: grantees.map(granteeOf) }),
      });
      return reply.code(201).send(created);
    },
  );

  const granteeRoute = (summary: string) => ({
    tags,
    summary,
    params: filterParams,
    body: granteeRefSchema,
    response: { 200: dataFilterSchema, ...errorResponses(400, 403, 404) },
  });

  app.post<{ Params: FilterParams; Body: GranteeRef }>(
    '/data-filters/:table/:name/grantees',
    { schema: granteeRoute('Grant a data filter to a user or group') },
    async (request) => {
      const { table, name } = request.params;
      return policies.grantDataFilter(
        callerOf(request),
        tablePath(table),
        name,
        granteeOf(request.body),
      );
    },
  );

  app.delete<{ Params: FilterParams; Body: GranteeRef }>(
    '/data-filters/:table/:name/grantees',
    { schema: granteeRoute('Revoke a data filter from a user or group') },
    async (request) => {
      const { table, name } = request.params;
      return policies.revokeDataFilter(
        callerOf(request),
        tablePath(table),
        name,
        granteeOf(request.body),
      );
    },
  );

  app.delete<{ Params: FilterParams }>(
    '/data-filters/:table/:name',
    {
      schema: {
        tags,
        summary: 'Delete a data filter',
        params: filterParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { table, name } = request.params;
      await policies.deleteDataFilter(callerOf(request), tablePath(table), name);
      return reply.code(204).send();
    },
  );
}
