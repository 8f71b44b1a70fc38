import type { FastifyInstance } from 'fastify';
import { callerOf } from '../caller.js';
import { explainAccess, type AccessExplanationDeps } from '../access-explanation.js';
import { accessExplanationSchema, errorResponses } from '../schemas.js';
import { parseSecurableRef } from './governance-params.js';

/** Why a principal may (or may not) do what on a securable. */
export function accessRoutes(app: FastifyInstance, deps: AccessExplanationDeps): void {
  app.get<{ Querystring: { securable: string; principal?: string } }>(
    '/access/explain',
    {
      schema: {
        tags: ['grants'],
        summary:
          "Effective privileges, filters and masks, and where each comes from (another principal's: admin or MANAGE_GRANTS)",
        querystring: {
          type: 'object',
          required: ['securable'],
          additionalProperties: false,
          properties: {
            securable: { type: 'string', examples: ['table:bronze.crm.customers'] },
            principal: { type: 'string', minLength: 1, description: 'Default: the caller' },
          },
        },
        response: { 200: accessExplanationSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { securable, principal } = request.query;
      return explainAccess(deps, callerOf(request), parseSecurableRef(securable), principal);
    },
  );
}
