import type { FastifyInstance } from 'fastify';
import type { Glossary, LinkTarget, TermInput, TermPatch } from '../../catalog/index.js';
import { LINK_KINDS, TERM_STATUSES, parseTableName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['glossary'];
const noContent = { 204: { type: 'null' } } as const;
const nullableString = { type: ['string', 'null'] } as const;
const names = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const ownerSchema = {
  type: ['object', 'null'],
  required: ['kind', 'name'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['principal', 'group'] },
    name: { type: 'string', minLength: 1 },
  },
} as const;

const termSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    definition: { type: 'string', description: 'Markdown' },
    synonyms: names,
    owner: ownerSchema,
    parent: nullableString,
    children: names,
    related: names,
    status: { type: 'string', enum: [...TERM_STATUSES] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    updatedBy: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const linkSchema = {
  type: 'object',
  properties: {
    term: { type: 'string' },
    table: { type: 'string' },
    column: nullableString,
    kind: { type: 'string', enum: [...LINK_KINDS] },
    linkedBy: { type: 'string' },
    linkedAt: { type: 'string' },
  },
} as const;

const termWithLinksSchema = {
  ...termSchema,
  properties: { ...termSchema.properties, links: { type: 'array', items: linkSchema } },
} as const;

const termParam = {
  type: 'object',
  required: ['term'],
  properties: { term: { type: 'string', minLength: 1, description: 'Term name, any case' } },
} as const;

const termFields = {
  name: { type: 'string', minLength: 1, examples: ['Customer LTV'] },
  definition: { type: 'string', description: 'Markdown' },
  synonyms: names,
  owner: ownerSchema,
  parent: nullableString,
  related: names,
  status: { type: 'string', enum: [...TERM_STATUSES] },
} as const;

const linkTargetSchema = {
  type: 'object',
  required: ['table'],
  additionalProperties: false,
  properties: {
    table: { type: 'string', minLength: 1, examples: ['gold.revenue.customer_ltv'] },
    column: { type: 'string', minLength: 1, examples: ['ltv'] },
  },
} as const;

function targetOf(body: { table: string; column?: string }): LinkTarget {
  return {
    table: parseTableName(body.table),
    ...(body.column === undefined ? {} : { column: body.column }),
  };
}

/** Glossary terms, their links to tables and columns, and a table's terms. */
export function glossaryRoutes(app: FastifyInstance, glossary: Glossary): void {
  app.get(
    '/glossary/terms',
    {
      schema: {
        tags,
        summary: 'List glossary terms',
        response: {
          200: { type: 'object', properties: { terms: { type: 'array', items: termSchema } } },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ terms: await glossary.listTerms(callerOf(request)) }),
  );

  app.post<{ Body: TermInput }>(
    '/glossary/terms',
    {
      schema: {
        tags,
        summary: 'Create a term (admin, MANAGE_GRANTS on the catalog)',
        body: {
          type: 'object',
          required: ['name', 'definition'],
          additionalProperties: false,
          properties: termFields,
        },
        response: { 201: termSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await glossary.createTerm(callerOf(request), request.body)),
  );

  app.get<{ Params: { term: string } }>(
    '/glossary/terms/:term',
    {
      schema: {
        tags,
        summary: 'A term with its links to the tables the caller may describe',
        params: termParam,
        response: { 200: termWithLinksSchema, ...errorResponses(404) },
      },
    },
    async (request) => glossary.showTerm(callerOf(request), request.params.term),
  );

  app.patch<{ Params: { term: string }; Body: TermPatch }>(
    '/glossary/terms/:term',
    {
      schema: {
        tags,
        summary: "Change a term (admin, MANAGE_GRANTS on the catalog, or the term's owner)",
        params: termParam,
        body: { type: 'object', additionalProperties: false, properties: termFields },
        response: { 200: termSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => glossary.updateTerm(callerOf(request), request.params.term, request.body),
  );

  app.delete<{ Params: { term: string }; Querystring: { force?: boolean } }>(
    '/glossary/terms/:term',
    {
      schema: {
        tags,
        summary: 'Delete a term; one with children or links needs force=true',
        params: termParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { force: { type: 'boolean', default: false } },
        },
        response: { ...noContent, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await glossary.deleteTerm(callerOf(request), request.params.term, {
        force: request.query.force === true,
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { term: string }; Body: { table: string; column?: string } }>(
    '/glossary/terms/:term/links',
    {
      schema: {
        tags,
        summary: 'Link a term to a table or one of its columns (ALTER on the table)',
        params: termParam,
        body: linkTargetSchema,
        response: { 201: linkSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await glossary.link(callerOf(request), request.params.term, targetOf(request.body))),
  );

  app.delete<{ Params: { term: string }; Querystring: { table: string; column?: string } }>(
    '/glossary/terms/:term/links',
    {
      schema: {
        tags,
        summary: 'Unlink a term from a table or column (ALTER on the table)',
        params: termParam,
        querystring: linkTargetSchema,
        response: { ...noContent, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      await glossary.unlink(callerOf(request), request.params.term, targetOf(request.query));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { table: string } }>(
    '/tables/:table/terms',
    {
      schema: {
        tags,
        summary: 'Glossary terms linked to a table and its columns (DESCRIBE on the table)',
        params: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string', description: 'e.g. gold.revenue.customer_ltv' } },
        },
        response: {
          200: { type: 'object', properties: { links: { type: 'array', items: linkSchema } } },
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({
      links: await glossary.termsOfTable(callerOf(request), parseTableName(request.params.table)),
    }),
  );
}
