import type { FastifyInstance } from 'fastify';
import { Unavailable } from '../../errors/index.js';
import type { Metastore } from '../../metastore/index.js';
import { errorResponses } from '../schemas.js';

/** For load balancers and orchestrators: no token, and it proves the metastore answers. */
export function healthRoutes(app: FastifyInstance, metastore: Metastore): void {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness and metastore reachability (no token needed)',
        security: [],
        response: {
          200: { type: 'object', properties: { status: { type: 'string', const: 'ok' } } },
          503: errorResponses(503)[503],
        },
      },
    },
    async () => {
      try {
        await metastore.namespaces.get(['bronze']);
      } catch (err) {
        throw new Unavailable('METASTORE_UNAVAILABLE', 'The metastore does not answer.', {
          hint: 'Check that the metastore database is reachable; the server log has the cause.',
          cause: err,
        });
      }
      return { status: 'ok' };
    },
  );
}
