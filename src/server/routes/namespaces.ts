import type { FastifyInstance } from 'fastify';
import type { CatalogService, GovernedCatalog, NamespaceDescription } from '../../catalog/index.js';
import { formatNamespace, formatTableName, parseNamespace } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses, namespaceSchema, propertiesPatchSchema } from '../schemas.js';

const tags = ['namespaces'];
const namespaceParam = {
  type: 'object',
  required: ['namespace'],
  properties: { namespace: { type: 'string', description: 'Dotted name, e.g. bronze.retail' } },
} as const;

interface NamespaceParams {
  namespace: string;
}

export function toNamespaceJson(ns: NamespaceDescription): NamespaceDescription & { name: string } {
  return { name: formatNamespace(ns.path), ...ns };
}

export function namespaceRoutes(app: FastifyInstance, catalog: GovernedCatalog): void {
  app.get<{ Querystring: { parent?: string } }>(
    '/namespaces',
    {
      schema: {
        tags,
        summary: 'List namespaces (the top level, or the children of ?parent=)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { parent: { type: 'string', examples: ['bronze'] } },
        },
        response: {
          200: {
            type: 'object',
            properties: { namespaces: { type: 'array', items: namespaceSchema } },
          },
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { parent } = request.query;
      const list = await catalog.listNamespaces(
        callerOf(request),
        parent === undefined ? undefined : parseNamespace(parent),
      );
      return { namespaces: list.map(toNamespaceJson) };
    },
  );

  app.post<{
    Body: { name: string; description?: string; properties?: Record<string, string> };
  }>(
    '/namespaces',
    {
      schema: {
        tags,
        summary: 'Create a namespace',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['bronze.retail'] },
            description: { type: 'string' },
            properties: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        response: { 201: namespaceSchema, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const { name, ...input } = request.body;
      const created = await catalog.createNamespace(callerOf(request), parseNamespace(name), input);
      return reply.code(201).send(toNamespaceJson(created));
    },
  );

  app.get<{ Params: NamespaceParams }>(
    '/namespaces/:namespace',
    {
      schema: {
        tags,
        summary: 'Describe a namespace',
        params: namespaceParam,
        response: { 200: namespaceSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      toNamespaceJson(
        await catalog.describeNamespace(
          callerOf(request),
          parseNamespace(request.params.namespace),
        ),
      ),
  );

  app.patch<{
    Params: NamespaceParams;
    Body: Parameters<CatalogService['updateNamespace']>[1];
  }>(
    '/namespaces/:namespace',
    {
      schema: {
        tags,
        summary: 'Change the description or properties of a namespace',
        params: namespaceParam,
        body: propertiesPatchSchema,
        response: { 200: namespaceSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      toNamespaceJson(
        await catalog.updateNamespace(
          callerOf(request),
          parseNamespace(request.params.namespace),
          request.body,
        ),
      ),
  );

  app.delete<{ Params: NamespaceParams; Querystring: { cascade?: boolean } }>(
    '/namespaces/:namespace',
    {
      schema: {
        tags,
        summary: 'Drop a namespace (?cascade=true drops its tables and their files too)',
        params: namespaceParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { cascade: { type: 'boolean', default: false } },
        },
        response: { 204: { type: 'null' }, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await catalog.dropNamespace(callerOf(request), parseNamespace(request.params.namespace), {
        cascade: request.query.cascade === true,
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: NamespaceParams; Body: { newName: string } }>(
    '/namespaces/:namespace/rename',
    {
      schema: {
        tags,
        summary: 'Rename a namespace, with everything below it',
        params: namespaceParam,
        body: {
          type: 'object',
          required: ['newName'],
          additionalProperties: false,
          properties: { newName: { type: 'string', minLength: 1, examples: ['bronze.shop'] } },
        },
        response: { 200: namespaceSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const to = parseNamespace(request.body.newName);
      const caller = callerOf(request);
      await catalog.renameNamespace(caller, parseNamespace(request.params.namespace), to);
      return toNamespaceJson(await catalog.describeNamespace(caller, to));
    },
  );

  app.get<{ Params: NamespaceParams }>(
    '/namespaces/:namespace/tables',
    {
      schema: {
        tags: ['tables'],
        summary: 'List the tables of a namespace',
        params: namespaceParam,
        response: {
          200: {
            type: 'object',
            properties: {
              tables: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    fullName: { type: 'string' },
                    namespace: { type: 'array', items: { type: 'string' } },
                    name: { type: 'string' },
                    kind: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const tables = await catalog.listTables(
        callerOf(request),
        parseNamespace(request.params.namespace),
      );
      return {
        tables: tables.map((t) => ({ fullName: formatTableName(t), ...t })),
      };
    },
  );
}
