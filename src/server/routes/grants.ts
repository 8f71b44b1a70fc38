import type { FastifyInstance } from 'fastify';
import { PRIVILEGES } from '../../governance/index.js';
import type { PolicyAdmin, Privilege, SecurableKind } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { errorResponses, grantSchema, granteeRefSchema, securableRefSchema } from '../schemas.js';
import {
  granteeOf,
  parseGranteeRef,
  parseSecurableRef,
  securableOf,
  type GranteeKindText,
} from './governance-params.js';

const tags = ['grants'];

interface Ref<K> {
  kind: K;
  name: string;
}
interface RevokeBody {
  privileges: Privilege[];
  securable: Ref<SecurableKind>;
  grantee: Ref<GranteeKindText>;
}
type GrantBody = RevokeBody & { withGrantOption?: boolean };

const revokeBody = {
  type: 'object',
  required: ['privileges', 'securable', 'grantee'],
  additionalProperties: false,
  properties: {
    privileges: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: PRIVILEGES },
      examples: [['SELECT', 'DESCRIBE']],
    },
    securable: securableRefSchema,
    grantee: granteeRefSchema,
  },
} as const;

/** Privileges on securables, and their owners. */
export function grantRoutes(app: FastifyInstance, policies: PolicyAdmin): void {
  app.get<{ Querystring: { securable?: string; grantee?: string } }>(
    '/grants',
    {
      schema: {
        tags,
        summary: 'Grants you may see, narrowed by ?securable=kind:name and ?grantee=kind:name',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            securable: { type: 'string', examples: ['table:gold.revenue.monthly'] },
            grantee: { type: 'string', examples: ['group:marketing_team'] },
          },
        },
        response: {
          200: { type: 'object', properties: { grants: { type: 'array', items: grantSchema } } },
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { securable, grantee } = request.query;
      const grants = await policies.listGrants(callerOf(request), {
        ...(securable === undefined ? {} : { securable: parseSecurableRef(securable) }),
        ...(grantee === undefined ? {} : { grantee: parseGranteeRef(grantee) }),
      });
      return { grants };
    },
  );

  app.post<{ Body: GrantBody }>(
    '/grants',
    {
      schema: {
        tags,
        summary: 'Grant privileges on a securable to a user or group',
        body: {
          ...revokeBody,
          properties: { ...revokeBody.properties, withGrantOption: { type: 'boolean' } },
        },
        response: {
          200: { type: 'object', properties: { grants: { type: 'array', items: grantSchema } } },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => {
      const { privileges, securable, grantee, withGrantOption } = request.body;
      const grants = await policies.grant(callerOf(request), {
        privileges,
        securable: securableOf(securable),
        grantee: granteeOf(grantee),
        withGrantOption: withGrantOption === true,
      });
      return { grants };
    },
  );

  app.post<{ Body: RevokeBody }>(
    '/grants/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke privileges (revoking what was never granted is not an error)',
        body: revokeBody,
        response: {
          200: { type: 'object', properties: { revoked: { type: 'integer' } } },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => {
      const { privileges, securable, grantee } = request.body;
      const revoked = await policies.revoke(callerOf(request), {
        privileges,
        securable: securableOf(securable),
        grantee: granteeOf(grantee),
      });
      return { revoked };
    },
  );

  app.put<{ Body: { securable: Ref<SecurableKind>; owner: Ref<GranteeKindText> } }>(
    '/owners',
    {
      schema: {
        tags,
        summary: 'Make a user or group the owner of a securable (replacing the previous owner)',
        body: {
          type: 'object',
          required: ['securable', 'owner'],
          additionalProperties: false,
          properties: { securable: securableRefSchema, owner: granteeRefSchema },
        },
        response: { 204: { type: 'null' }, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { securable, owner } = request.body;
      await policies.setOwner(callerOf(request), securableOf(securable), granteeOf(owner));
      return reply.code(204).send();
    },
  );
}
