import type { FastifyInstance } from 'fastify';
import {
  DRIFT_POLICIES,
  STREAM_FORMATS,
  STREAM_SOURCE_KINDS,
  STREAM_STATES,
} from '../../ingest/index.js';
import type { PushContentType, StreamRequest, Streams } from '../../ingest/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['streams'];
const MiB = 1024 * 1024;
const nullableString = { type: ['string', 'null'] } as const;
const positiveInteger = { type: 'integer', minimum: 1 } as const;

const statusSchema = {
  type: ['object', 'null'],
  properties: {
    state: { type: 'string' },
    lag: { type: 'integer' },
    bufferedRecords: { type: 'integer' },
    bufferedBytes: { type: 'integer' },
    recordsPerSecond: { type: 'number' },
    bytesPerSecond: { type: 'number' },
    committedRecords: { type: 'integer' },
    deadLettered: { type: 'integer' },
    lastCommitAt: nullableString,
    lastSnapshotId: nullableString,
    lastError: nullableString,
    lastErrorAt: nullableString,
    retrying: { type: 'boolean' },
    positions: { type: 'object', additionalProperties: { type: 'string' } },
    at: { type: 'string' },
  },
} as const;

const streamSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string', examples: ['pos_sales'] },
    table: { type: 'string', examples: ['bronze.pos.sales'] },
    deadLetterTable: { type: 'string' },
    state: { type: 'string', enum: [...STREAM_STATES] },
    error: nullableString,
    runAs: { type: 'string' },
    definition: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    status: statusSchema,
    holder: {
      type: ['object', 'null'],
      description: 'The server that runs the stream now (holds its lease); null when none does',
      properties: {
        id: { type: 'string' },
        url: nullableString,
        since: { type: 'string' },
        expiresAt: { type: 'string' },
      },
    },
  },
} as const;

const createBody = {
  type: 'object',
  required: ['name', 'table', 'source'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, examples: ['pos_sales'] },
    table: { type: 'string', minLength: 1, examples: ['bronze.pos.sales'] },
    source: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: {
        kind: { type: 'string', enum: [...STREAM_SOURCE_KINDS] },
        brokers: { type: 'array', items: { type: 'string' }, examples: [['127.0.0.1:9092']] },
        topic: { type: 'string' },
        groupId: { type: 'string' },
        servers: {
          type: 'array',
          items: { type: 'string' },
          examples: [['nats://127.0.0.1:4222']],
        },
        stream: { type: 'string', description: 'the JetStream stream' },
        subject: { type: 'string' },
        consumer: { type: 'string' },
        url: { type: 'string', examples: ['mqtt://127.0.0.1:1883'] },
        clientId: { type: 'string' },
        dedupKey: { type: 'string' },
        dedupWindowSeconds: positiveInteger,
      },
    },
    format: { type: 'string', enum: [...STREAM_FORMATS] },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, type: { type: 'string' } },
      },
    },
    batch: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxRecords: positiveInteger,
        maxBytes: positiveInteger,
        maxIntervalMs: positiveInteger,
      },
    },
    drift: { type: 'string', enum: [...DRIFT_POLICIES] },
    deadLetterTable: { type: 'string' },
    maxRecordBytes: positiveInteger,
    memoryLimitBytes: positiveInteger,
    logQuotaBytes: positiveInteger,
    sourceSystem: { type: 'string', minLength: 1 },
  },
} as const;

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

export interface StreamRoutesOptions {
  streams: Streams;
  /** Largest pushed body. Default 16 MiB. */
  maxPushBytes?: number;
}

/** Streams into bronze: definitions, state, status, and HTTP pushes of records. */
export async function streamRoutes(
  app: FastifyInstance,
  options: StreamRoutesOptions,
): Promise<void> {
  const { streams } = options;
  app.post<{ Body: StreamRequest }>(
    '/streams',
    {
      schema: {
        tags,
        summary:
          'Create a stream into a bronze table (needs INSERT on the table, or CREATE_TABLE on its namespace); it runs as the caller',
        body: createBody,
        response: { 201: streamSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await streams.create(callerOf(request), request.body)),
  );

  app.get(
    '/streams',
    {
      schema: {
        tags,
        summary: 'The streams whose table the caller may see, with their status',
        response: {
          200: { type: 'object', properties: { streams: { type: 'array', items: streamSchema } } },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ streams: await streams.list(callerOf(request)) }),
  );

  app.get<{ Params: { name: string } }>(
    '/streams/:name',
    {
      schema: {
        tags,
        summary: 'A stream: definition, state and status (lag, rates, last commit, errors)',
        params: nameParam,
        response: { 200: streamSchema, ...errorResponses(404) },
      },
    },
    async (request) => streams.get(callerOf(request), request.params.name),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { name: string } }>(
      `/streams/:name/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'pause'
              ? 'Pause a stream: it stops committing (pushes are still logged while the log quota lasts)'
              : 'Resume a paused or failed stream',
          params: nameParam,
          response: { 200: streamSchema, ...errorResponses(403, 404) },
        },
      },
      async (request) => streams[action](callerOf(request), request.params.name),
    );
  }

  app.delete<{ Params: { name: string } }>(
    '/streams/:name',
    {
      schema: {
        tags,
        summary: 'Stop and delete a stream (its table and dead-letter table stay)',
        params: nameParam,
        response: { 204: { type: 'null' }, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await streams.delete(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );

  await app.register(async (scope) => {
    // Records stay raw bytes: each is logged as sent, never parsed into objects and back.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      ['application/json', 'application/x-ndjson'],
      { parseAs: 'buffer', bodyLimit: options.maxPushBytes ?? 16 * MiB },
      (_request, body, done) => done(null, body),
    );
    scope.post<{ Params: { name: string }; Body: Buffer; Headers: { 'idempotency-key'?: string } }>(
      '/streams/:name/records',
      {
        schema: {
          tags,
          summary:
            'Push records (a JSON object or array, or NDJSON) to an HTTP stream (needs INSERT on its table); answers once they are durable in the log',
          params: nameParam,
          headers: {
            type: 'object',
            properties: {
              'idempotency-key': {
                type: 'string',
                minLength: 1,
                maxLength: 200,
                description: 'A retried request with the same key is not written twice',
              },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                accepted: { type: 'integer' },
                firstOffset: nullableString,
                lastOffset: nullableString,
                duplicate: { type: 'boolean' },
              },
            },
            ...errorResponses(400, 403, 404, 413, 429, 503),
          },
        },
      },
      async (request, reply) => {
        const type: PushContentType = (request.headers['content-type'] ?? '').startsWith(
          'application/x-ndjson',
        )
          ? 'application/x-ndjson'
          : 'application/json';
        try {
          return await streams.push(
            callerOf(request),
            request.params.name,
            request.body,
            type,
            request.headers['idempotency-key'],
          );
        } catch (err) {
          // STREAM_RUN_ELSEWHERE (503): when to try again (the stream may move here meanwhile).
          const retryAfter = (err as { details?: { retryAfterSeconds?: unknown } }).details
            ?.retryAfterSeconds;
          if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
          throw err;
        }
      },
    );
  });
}
