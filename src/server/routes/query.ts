import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../app.js';
import { callerOf } from '../caller.js';
import { abortOnDisconnect } from '../disconnect.js';
import { errorResponses, queryResultSchema } from '../schemas.js';

type QueryService = Services['query'];
type Format = 'json' | 'csv' | 'ndjson';

interface QueryBody {
  sql: string;
  format?: Format;
  timeoutMs?: number;
  maxRows?: number;
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
} as const;

/** The body's format wins; otherwise the Accept header may ask for CSV or NDJSON. */
function chooseFormat(request: FastifyRequest<{ Body: QueryBody }>): Format {
  if (request.body.format) return request.body.format;
  const accept = request.headers.accept ?? '';
  if (accept.includes('text/csv')) return 'csv';
  if (accept.includes('application/x-ndjson')) return 'ndjson';
  return 'json';
}

/**
 * Waits for the first chunk before answering, so an error in the SQL still gets its
 * status and error JSON instead of a 200 with a broken body.
 */
async function startStream(source: AsyncIterable<string | Uint8Array>): Promise<Readable> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<string | Uint8Array> {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  return Readable.from(rest());
}

export function queryRoutes(app: FastifyInstance, query: QueryService): void {
  app.post<{ Body: QueryBody }>(
    '/query',
    {
      schema: {
        tags: ['query'],
        summary: 'Run SQL; JSON answer, or streamed CSV/NDJSON (format or Accept header)',
        body: {
          type: 'object',
          required: ['sql'],
          additionalProperties: false,
          properties: {
            sql: {
              type: 'string',
              minLength: 1,
              examples: ['SELECT count(*) FROM bronze.retail.invoices'],
            },
            format: { type: 'string', enum: ['json', 'csv', 'ndjson'] },
            timeoutMs: { type: 'integer', minimum: 1 },
            maxRows: { type: 'integer', minimum: 1 },
          },
        },
        response: {
          200: {
            description:
              'JSON result; with format csv/ndjson the body is text/csv or application/x-ndjson',
            content: {
              'application/json': { schema: queryResultSchema },
              'text/csv': { schema: { type: 'string' } },
              'application/x-ndjson': { schema: { type: 'string' } },
            },
          },
          ...errorResponses(400, 404, 499, 504),
        },
      },
    },
    async (request, reply) => {
      const { sql, timeoutMs, maxRows } = request.body;
      const signal = abortOnDisconnect(reply);
      const format = chooseFormat(request);
      if (format === 'json') {
        const result = await query.execute(callerOf(request), sql, { signal, timeoutMs, maxRows });
        const { columns, rows, rowCount, truncated, elapsedMs } = result;
        return reply.type('application/json; charset=utf-8').send({
          columns,
          rows,
          rowCount,
          truncated,
          elapsedMs,
        });
      }
      const source = query.stream(callerOf(request), sql, format, { signal, timeoutMs });
      const body = await startStream(source);
      return reply.type(CONTENT_TYPES[format]).send(body);
    },
  );
}
