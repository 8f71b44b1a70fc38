import type { FastifyInstance } from 'fastify';
import type { Authenticator, Principal } from '../governance/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the authentication hook on every non-public route. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Reachable without a token (health check, API documentation). */
    public?: boolean;
  }
}

export const DOCS_PREFIX = '/api/docs';
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Every route needs `Authorization: Bearer <token>` unless its config says it is public. */
export function installAuthentication(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    // The API description is no secret, and a browser cannot send a bearer token to load it.
    if (request.url.split('?')[0]!.startsWith(DOCS_PREFIX)) return;
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : (BEARER.exec(header)?.[1] ?? header);
    request.principal = await auth.authenticate(token);
  });
}
