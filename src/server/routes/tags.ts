import type { FastifyInstance } from 'fastify';
import { PRIVILEGES } from '../../governance/index.js';
import type { PolicyAdmin, Privilege, SecurableKind } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import {
  errorResponses,
  granteeRefSchema,
  securableRefSchema,
  tagKeySchema,
  tagPolicySchema,
  tagSchema,
} from '../schemas.js';
import {
  granteeOf,
  parseSecurableRef,
  securableOf,
  type GranteeKindText,
} from './governance-params.js';

const tags = ['tags'];
const noContent = { 204: { type: 'null' } } as const;
const values = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  uniqueItems: true,
} as const;
const keyParam = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', minLength: 1 } },
} as const;
const securableQuery = {
  type: 'string',
  description: 'kind:name, e.g. table:gold.revenue.monthly',
} as const;

/** Tag keys and their allowed values, tags on securables, and tag policies. */
export function tagRoutes(app: FastifyInstance, policies: PolicyAdmin): void {
  app.get(
    '/tag-keys',
    {
      schema: {
        tags,
        summary: 'List tag keys with their allowed values',
        response: {
          200: { type: 'object', properties: { keys: { type: 'array', items: tagKeySchema } } },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ keys: await policies.listTagKeys(callerOf(request)) }),
  );

  app.post<{ Body: { key: string; allowedValues: string[]; description?: string } }>(
    '/tag-keys',
    {
      schema: {
        tags,
        summary: 'Create a tag key with the values it may take',
        body: {
          type: 'object',
          required: ['key', 'allowedValues'],
          additionalProperties: false,
          properties: {
            key: { type: 'string', minLength: 1, examples: ['sensitivity'] },
            allowedValues: { ...values, minItems: 1, examples: [['public', 'internal', 'pii']] },
            description: { type: 'string' },
          },
        },
        response: { 201: tagKeySchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await policies.createTagKey(callerOf(request), request.body)),
  );

  app.patch<{
    Params: { key: string };
    Body: { addValues?: string[]; removeValues?: string[]; description?: string | null };
  }>(
    '/tag-keys/:key',
    {
      schema: {
        tags,
        summary: 'Add or remove allowed values, or change the description',
        params: keyParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            addValues: values,
            removeValues: values,
            description: { type: ['string', 'null'] },
          },
        },
        response: { 200: tagKeySchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => policies.updateTagKey(callerOf(request), request.params.key, request.body),
  );

  app.delete<{ Params: { key: string } }>(
    '/tag-keys/:key',
    {
      schema: {
        tags,
        summary: 'Delete a tag key and its assignments',
        params: keyParam,
        response: { ...noContent, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await policies.deleteTagKey(callerOf(request), request.params.key);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { securable?: string } }>(
    '/tags',
    {
      schema: {
        tags,
        summary: "A securable's effective tags (own and inherited), or every assignment",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { securable: securableQuery },
        },
        response: {
          200: { type: 'object', properties: { tags: { type: 'array', items: tagSchema } } },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { securable } = request.query;
      const caller = callerOf(request);
      return {
        tags: await (securable === undefined
          ? policies.listTags(caller)
          : policies.listTags(caller, parseSecurableRef(securable))),
      };
    },
  );

  app.put<{
    Body: { securable: { kind: SecurableKind; name: string }; key: string; value: string };
  }>(
    '/tags',
    {
      schema: {
        tags,
        summary: 'Tag a securable (one value per key: setting again replaces it)',
        body: {
          type: 'object',
          required: ['securable', 'key', 'value'],
          additionalProperties: false,
          properties: {
            securable: securableRefSchema,
            key: { type: 'string', minLength: 1, examples: ['sensitivity'] },
            value: { type: 'string', minLength: 1, examples: ['pii'] },
          },
        },
        response: { 200: tagSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { securable, key, value } = request.body;
      return policies.assignTag(callerOf(request), securableOf(securable), key, value);
    },
  );

  app.delete<{ Querystring: { securable: string; key: string } }>(
    '/tags',
    {
      schema: {
        tags,
        summary: 'Remove a tag from a securable',
        querystring: {
          type: 'object',
          required: ['securable', 'key'],
          additionalProperties: false,
          properties: { securable: securableQuery, key: { type: 'string', minLength: 1 } },
        },
        response: { ...noContent, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { securable, key } = request.query;
      await policies.unassignTag(callerOf(request), parseSecurableRef(securable), key);
      return reply.code(204).send();
    },
  );

  app.get(
    '/tag-policies',
    {
      schema: {
        tags,
        summary: 'List tag policies',
        response: {
          200: {
            type: 'object',
            properties: { policies: { type: 'array', items: tagPolicySchema } },
          },
          ...errorResponses(403),
        },
      },
    },
    async (request) => ({ policies: await policies.listTagPolicies(callerOf(request)) }),
  );

  app.post<{
    Body: {
      expression: string;
      privileges: Privilege[];
      grantee: { kind: GranteeKindText; name: string };
      withGrantOption?: boolean;
    };
  }>(
    '/tag-policies',
    {
      schema: {
        tags,
        summary: 'Grant privileges on everything whose tags match an expression, now and later',
        body: {
          type: 'object',
          required: ['expression', 'privileges', 'grantee'],
          additionalProperties: false,
          properties: {
            expression: {
              type: 'string',
              minLength: 1,
              examples: ['domain=marketing AND sensitivity IN (public, internal)'],
            },
            privileges: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', enum: PRIVILEGES },
            },
            grantee: granteeRefSchema,
            withGrantOption: { type: 'boolean' },
          },
        },
        response: { 201: tagPolicySchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { grantee, withGrantOption, ...rest } = request.body;
      const created = await policies.createTagPolicy(callerOf(request), {
        ...rest,
        grantee: granteeOf(grantee),
        withGrantOption: withGrantOption === true,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/tag-policies/:id',
    {
      schema: {
        tags,
        summary: 'Delete a tag policy',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1 } },
        },
        response: { ...noContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await policies.deleteTagPolicy(callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
