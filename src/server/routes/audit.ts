import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AuditFilter, AuditLog, Authorizer, Securable } from '../../governance/index.js';
import { callerOf } from '../caller.js';
import { auditEventSchema, auditVerificationSchema, errorResponses } from '../schemas.js';

const tags = ['audit'];
const CATALOG: Securable = { kind: 'catalog', path: [] };
const MAX_LIMIT = 10_000;

interface AuditQuerystring {
  since?: string;
  until?: string;
  principal?: string;
  action?: string;
  decision?: 'allow' | 'deny' | 'error';
  limit?: number;
  fromSeq?: number;
}

const auditQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', format: 'date-time', examples: ['2026-11-01T00:00:00Z'] },
    until: { type: 'string', format: 'date-time' },
    principal: { type: 'string', minLength: 1 },
    action: { type: 'string', minLength: 1, examples: ['query'] },
    decision: { type: 'string', enum: ['allow', 'deny', 'error'] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    fromSeq: { type: 'integer', minimum: 0 },
  },
} as const;

function filterOf(query: AuditQuerystring): AuditFilter {
  const { since, until, ...rest } = query;
  return {
    ...rest,
    ...(since === undefined ? {} : { since: new Date(since) }),
    ...(until === undefined ? {} : { until: new Date(until) }),
  };
}

/**
 * Pulls the first line before the answer starts, so a refusal (no READ_AUDIT) is an
 * error answer and not a stream that breaks off after its status line.
 */
async function startedStream(lines: AsyncIterable<string>): Promise<Readable> {
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* all(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  return Readable.from(all());
}

/** The audit log, for holders of READ_AUDIT on the catalog; reading it is audited too. */
export function auditRoutes(app: FastifyInstance, audit: AuditLog, authorizer: Authorizer): void {
  app.get<{ Querystring: AuditQuerystring }>(
    '/audit',
    {
      schema: {
        tags,
        summary: 'Audit events in sequence order (READ_AUDIT on the catalog)',
        querystring: auditQuerystring,
        response: {
          200: {
            type: 'object',
            properties: { events: { type: 'array', items: auditEventSchema } },
          },
          ...errorResponses(400, 403),
        },
      },
    },
    async (request) => ({ events: await audit.query(callerOf(request), filterOf(request.query)) }),
  );

  app.get<{ Querystring: AuditQuerystring }>(
    '/audit/export',
    {
      schema: {
        tags,
        summary: 'The same events as NDJSON (application/x-ndjson), one JSON object per line',
        querystring: auditQuerystring,
        response: errorResponses(400, 403),
      },
    },
    async (request, reply) => {
      const stream = await startedStream(
        audit.exportNdjson(callerOf(request), filterOf(request.query)),
      );
      return reply.type('application/x-ndjson; charset=utf-8').send(stream);
    },
  );

  app.post(
    '/audit/verify',
    {
      schema: {
        tags,
        summary: 'Walk every link of the hash chain; names the first broken one',
        response: { 200: auditVerificationSchema, ...errorResponses(403) },
      },
    },
    async (request) => {
      await authorizer.require(callerOf(request).principal, 'READ_AUDIT', CATALOG);
      return audit.verify();
    },
  );
}
