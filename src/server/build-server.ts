import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Services } from '../app.js';
import { Unavailable } from '../errors/index.js';
import type { AuditEventInput, AuditLog, Principal } from '../governance/index.js';
import { DOCS_PREFIX, installAuthentication } from './authentication.js';
import { callerOf } from './caller.js';
import { scheduleAuditRetention } from './audit-retention.js';
import { scheduleCrawlers } from './crawler-schedule.js';
import { scheduleJobs } from './job-schedule.js';
import { scheduleTableCompaction } from './table-compaction.js';
import { tableCompactionRoutes } from './routes/table-compaction.js';
import { tableExpireSnapshotsRoutes } from './routes/table-expire-snapshots.js';
import { scheduleSnapshotExpiry } from './table-snapshot-expiry.js';
import { crawlerRoutes } from './routes/crawlers.js';
import { jobRoutes } from './routes/jobs.js';
import { installErrorMapping } from './error-mapper.js';
import { accessRoutes } from './routes/access.js';
import { classificationRoutes } from './routes/classifications.js';
import { auditRoutes } from './routes/audit.js';
import { columnMaskRoutes } from './routes/column-masks.js';
import { dataFilterRoutes } from './routes/data-filters.js';
import { grantRoutes } from './routes/grants.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { metadataRoutes } from './routes/metadata.js';
import { namespaceRoutes } from './routes/namespaces.js';
import { principalRoutes } from './routes/principals.js';
import { queryRoutes } from './routes/query.js';
import { tableRoutes } from './routes/tables.js';
import { externalTableRoutes } from './routes/external-tables.js';
import { tagRoutes } from './routes/tags.js';
import { searchRoutes } from './routes/search.js';
import { glossaryRoutes } from './routes/glossary.js';
import { schemaHistoryRoutes } from './routes/schema-history.js';
import { tokenRoutes } from './routes/tokens.js';
import { volumeRoutes } from './routes/volumes.js';
import { lineageRoutes } from './routes/lineage.js';
import { qualityRoutes } from './routes/quality.js';
import { streamRoutes } from './routes/streams.js';
import { hostStreams } from './stream-host.js';

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
        description:
          'Namespaces, tables, ingest and SQL over the Lakeward lakehouse, and its governance: principals, grants, tags, data filters, column masks and the audit log.',
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
  installApiAudit(app, services.audit);
  healthRoutes(app, services.metastore);
  await app.register(
    async (api) => {
      namespaceRoutes(api, services.governed);
      tableRoutes(api, services.governed);
      tableCompactionRoutes(api, services.compaction);
      tableExpireSnapshotsRoutes(api, services.snapshotExpiry);
      externalTableRoutes(api, services.governed);
      queryRoutes(api, services.query);
      principalRoutes(api, services.directory);
      tokenRoutes(api, services.directory);
      grantRoutes(api, services.policies);
      tagRoutes(api, services.policies);
      searchRoutes(api, services.search);
      crawlerRoutes(api, services.crawlers);
      jobRoutes(api, services.jobs);
      glossaryRoutes(api, services.glossary);
      schemaHistoryRoutes(api, services.governed);
      dataFilterRoutes(api, services.policies);
      columnMaskRoutes(api, services.policies);
      auditRoutes(api, services.audit, services.authorizer);
      accessRoutes(api, services);
      classificationRoutes(api, services.classifications);
      qualityRoutes(api, services.quality);
      await volumeRoutes(api, services.volumes);
      metadataRoutes(api, services.metadata, services.propertyDefinitions);
      lineageRoutes(api, services.lineage, services.goldTables);
      await streamRoutes(api, { streams: services.streams });
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

/** An API call's decision as the audit log records it: refusals are denials, other failures errors. */
function decisionOf(status: number): AuditEventInput['decision'] {
  if (status < 400) return 'allow';
  return status === 401 || status === 403 ? 'deny' : 'error';
}

/**
 * One audit event per API call, after the answer is sent: `http METHOD /route/:pattern`
 * with its status and duration. Unauthenticated calls are recorded too, without a caller.
 * Probes and the API description are not calls worth a record. Recording never fails
 * the call: the answer has already gone out, so a failure is logged.
 */
function installApiAudit(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/healthz' || path.startsWith(DOCS_PREFIX)) return;
    const status = reply.statusCode;
    const authenticated = (request.principal as Principal | null) !== null;
    const userAgent = request.headers['user-agent'];
    try {
      await audit.record({
        ...(authenticated
          ? { caller: callerOf(request) }
          : {
              context: {
                channel: 'api',
                requestId: request.id,
                sourceAddress: request.ip,
                ...(userAgent === undefined ? {} : { userAgent }),
              },
            }),
        action: `http ${request.method} ${request.routeOptions.url ?? path}`,
        decision: decisionOf(status),
        status,
        durationMs: reply.elapsedTime,
      });
    } catch (err) {
      request.log.error({ err }, 'could not record the API call in the audit log');
    }
  });
}

/** Builds the API and listens on config.server.host:port. */
export async function startServer(services: Services): Promise<FastifyInstance> {
  const app = await buildServer(services);
  scheduleAuditRetention(app, services.audit);
  scheduleCrawlers(app, services.crawlers);
  scheduleJobs(app, services.jobs);
  const { advertisedUrl } = services.config.server;
  hostStreams(app, services, advertisedUrl === undefined ? {} : { advertisedUrl });
  scheduleTableCompaction(app, services.compaction, services.config.compaction);
  scheduleSnapshotExpiry(app, services.snapshotExpiry, services.config.snapshotExpiry);
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
