import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { errorResponses, tokenInfoSchema } from '../schemas.js';

const tags = ['principals'];

/** API tokens: your own, or (admin) anyone's. Secrets are shown once, on creation. */
export function tokenRoutes(app: FastifyInstance, directory: Directory): void {
  app.get<{ Querystring: { principal?: string } }>(
    '/tokens',
    {
      schema: {
        tags,
        summary: "List tokens (never their secrets): yours, or ?principal='s",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { principal: { type: 'string', minLength: 1 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { tokens: { type: 'array', items: tokenInfoSchema } },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request) => ({
      tokens: await directory.listTokens(callerOf(request), request.query.principal),
    }),
  );

  app.post<{ Body: { name: string; principal?: string; expiresAt?: string } }>(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Issue a token (shown once in the answer)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['ci-pipeline'] },
            principal: { type: 'string', minLength: 1, description: 'Default: the caller' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              token: { type: 'string' },
              id: { type: 'string' },
              name: { type: 'string' },
              expiresAt: { type: ['string', 'null'] },
            },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { name, principal, expiresAt } = request.body;
      const issued = await directory.issueToken(callerOf(request), {
        name,
        ...(principal === undefined ? {} : { principal }),
        ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
      });
      return reply.code(201).send(issued);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token: it stops working at once',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1 } },
        },
        response: { 204: { type: 'null' }, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await directory.revokeToken(callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
