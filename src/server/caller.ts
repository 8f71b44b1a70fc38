import type { FastifyRequest } from 'fastify';
import type { Caller } from '../governance/index.js';

/** The authenticated principal of an API request, with where it came from for the audit log. */
export function callerOf(request: FastifyRequest): Caller {
  const userAgent = request.headers['user-agent'];
  return {
    principal: request.principal,
    context: {
      channel: 'api',
      requestId: request.id,
      sourceAddress: request.ip,
      ...(userAgent === undefined ? {} : { userAgent }),
    },
  };
}
