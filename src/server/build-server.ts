import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Services } from '../app.js';
import { Unavailable } from '../errors/index.js';
import { DOCS_PREFIX, installAuthentication } from './authentication.js';
import { installErrorMapping } from './error-mapper.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { namespaceRoutes } from './routes/namespaces.js';
import { queryRoutes } from './routes/query.js';
import { tableRoutes } from './routes/tables.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** JSON bodies are small (SQL text, property maps); files go through multipart uploads. */
const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/** The HTTP API on the given services; listen() is the caller's (see startServer). */
export async function buildServer(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'headers.authorization'],
    },
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorMapping(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lakeward API',
        version,
        description: 'Namespaces, tables, ingest and SQL over the Lakeward lakehouse.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  installAuthentication(app, services.auth);
  healthRoutes(app, services.metastore);
  await app.register(
    async (api) => {
      namespaceRoutes(api, services.catalog);
      tableRoutes(api, services.catalog);
      queryRoutes(api, services.query);
      await api.register(ingestRoutes, {
        ingest: services.ingest,
        home: config.home,
        maxUploadBytes: config.server.maxUploadBytes,
      });
    },
    { prefix: '/api/v1' },
  );
  return app;
}

/** Builds the API and listens on config.server.host:port. */
export async function startServer(services: Services): Promise<FastifyInstance> {
  const app = await buildServer(services);
  const { host, port } = services.config.server;
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw listenFailure(err, host, port);
  }
  return app;
}

/** The usual reasons a server cannot start, in words that say what to change. */
function listenFailure(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const hint = 'Pass another --port (or --host), or set server.port in lakeward.yaml.';
  if (code === 'EADDRINUSE') {
    return new Unavailable('PORT_IN_USE', `Port ${port} on ${host} is already in use.`, { hint });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new Unavailable('CANNOT_LISTEN', `Cannot listen on ${host}:${port} (${code}).`, {
      hint,
    });
  }
  return err;
}
