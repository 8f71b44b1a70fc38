import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { errorResponses, granteeRefSchema, groupSchema, principalSchema } from '../schemas.js';
import { granteeOf, type GranteeKindText } from './governance-params.js';

const tags = ['principals'];
const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;
const noContent = { 204: { type: 'null' } } as const;

interface NameParams {
  name: string;
}
interface MemberBody {
  kind: GranteeKindText;
  name: string;
}

/** whoami, users and service accounts, groups and their members. */
export function principalRoutes(app: FastifyInstance, directory: Directory): void {
  app.get(
    '/whoami',
    {
      schema: {
        tags,
        summary: 'Who this token belongs to: groups (direct and all) and how it authenticated',
        response: {
          200: {
            type: 'object',
            properties: {
              ...principalSchema.properties,
              allGroups: { type: 'array', items: { type: 'string' } },
              authMethod: { type: 'string' },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => directory.whoami(callerOf(request)),
  );

  app.get(
    '/principals',
    {
      schema: {
        tags,
        summary: 'List users and service accounts with their groups',
        response: {
          200: {
            type: 'object',
            properties: { principals: { type: 'array', items: principalSchema } },
          },
          ...errorResponses(403),
        },
      },
    },
    async (request) => ({ principals: await directory.listPrincipals(callerOf(request)) }),
  );

  app.post<{ Body: { name: string; kind?: 'user' | 'service'; isAdmin?: boolean } }>(
    '/principals',
    {
      schema: {
        tags,
        summary: 'Create a user or service account',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['alice'] },
            kind: { type: 'string', enum: ['user', 'service'], default: 'user' },
            isAdmin: { type: 'boolean', default: false },
          },
        },
        response: { 201: principalSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { name, kind = 'user', isAdmin = false } = request.body;
      const created = await directory.createPrincipal(callerOf(request), { name, kind, isAdmin });
      return reply.code(201).send(created);
    },
  );

  app.delete<{ Params: NameParams }>(
    '/principals/:name',
    {
      schema: {
        tags,
        summary: 'Delete a principal: its tokens stop working, its memberships and grants go',
        params: nameParam,
        response: { ...noContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await directory.deletePrincipal(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  app.get(
    '/groups',
    {
      schema: {
        tags,
        summary: 'List groups with their direct members',
        response: {
          200: { type: 'object', properties: { groups: { type: 'array', items: groupSchema } } },
          ...errorResponses(403),
        },
      },
    },
    async (request) => ({ groups: await directory.listGroups(callerOf(request)) }),
  );

  app.post<{ Body: { name: string; description?: string } }>(
    '/groups',
    {
      schema: {
        tags,
        summary: 'Create a group',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['marketing_team'] },
            description: { type: 'string' },
          },
        },
        response: { 201: groupSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await directory.createGroup(callerOf(request), request.body)),
  );

  app.delete<{ Params: NameParams }>(
    '/groups/:name',
    {
      schema: {
        tags,
        summary: 'Delete a group with its memberships and grants',
        params: nameParam,
        response: { ...noContent, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await directory.deleteGroup(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  const memberSchema = (summary: string) => ({
    tags,
    summary,
    params: nameParam,
    body: granteeRefSchema,
    response: { 200: groupSchema, ...errorResponses(400, 403, 404, 409) },
  });

  app.post<{ Params: NameParams; Body: MemberBody }>(
    '/groups/:name/members',
    { schema: memberSchema('Add a user or a group to a group (a cycle is refused)') },
    async (request) =>
      directory.addMember(callerOf(request), request.params.name, granteeOf(request.body)),
  );

  app.delete<{ Params: NameParams; Body: MemberBody }>(
    '/groups/:name/members',
    { schema: memberSchema('Remove a member from a group') },
    async (request) =>
      directory.removeMember(callerOf(request), request.params.name, granteeOf(request.body)),
  );
}
