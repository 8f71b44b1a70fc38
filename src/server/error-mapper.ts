import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Busy, ErrorKind, asLakewardError, type LakewardError } from '../errors/index.js';

/**
 * HTTP status per error kind. A query timeout is the server failing to answer in time
 * (504), not the client being slow to send its request (408). 499 is nginx's
 * "client closed request", the usual status for a cancelled call.
 */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  [ErrorKind.invalid]: 400,
  [ErrorKind.unauthenticated]: 401,
  [ErrorKind.forbidden]: 403,
  [ErrorKind.notFound]: 404,
  [ErrorKind.conflict]: 409,
  [ErrorKind.tooLarge]: 413,
  [ErrorKind.busy]: 429,
  [ErrorKind.timeout]: 504,
  [ErrorKind.cancelled]: 499,
  [ErrorKind.unavailable]: 503,
  [ErrorKind.internal]: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; hint: string | null; errorId: string };
}

export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  description:
    'Every error: a stable code, what was wrong, what to do, and an id to find it in the log.',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', examples: ['TABLE_NOT_FOUND'] },
        message: { type: 'string' },
        hint: { type: ['string', 'null'] },
        errorId: { type: 'string' },
      },
      required: ['code', 'message', 'hint', 'errorId'],
    },
  },
  required: ['error'],
} as const;

/** Errors Fastify and its plugins raise themselves, in our vocabulary. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; hint: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'BODY_TOO_LARGE',
    hint: 'Send a smaller request body; upload files with POST /api/v1/ingest.',
  },
  FST_REQ_FILE_TOO_LARGE: {
    status: 413,
    code: 'UPLOAD_TOO_LARGE',
    hint: 'Upload smaller files or raise server.maxUploadBytes.',
  },
  FST_FILES_LIMIT: { status: 413, code: 'TOO_MANY_FILES', hint: 'Upload fewer files per call.' },
  FST_PARTS_LIMIT: { status: 413, code: 'TOO_MANY_PARTS', hint: 'Send fewer form fields.' },
  FST_FIELDS_LIMIT: { status: 413, code: 'TOO_MANY_PARTS', hint: 'Send fewer form fields.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    hint: 'Send application/json (or multipart/form-data to /api/v1/ingest).',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 406,
    code: 'NOT_MULTIPART',
    hint: 'Send the files as multipart/form-data.',
  },
};

/** Turns anything thrown by a route into a status and our error JSON; logs internal causes. */
export function toHttpError(
  err: unknown,
  log: FastifyRequest['log'],
): { status: number; body: ErrorBody } {
  const framework = frameworkError(err);
  if (framework) return framework;
  const error = asLakewardError(err);
  if (error.kind === ErrorKind.internal) {
    log.error({ errorId: error.errorId, err: error.cause ?? error }, 'internal error');
  }
  return { status: HTTP_STATUS[error.kind], body: bodyOf(error) };
}

function frameworkError(err: unknown): { status: number; body: ErrorBody } | undefined {
  if (!isFastifyError(err)) return undefined;
  if (err.validation) {
    return {
      status: 400,
      body: body(
        'INVALID_REQUEST',
        validationMessage(err),
        'Fix the field named and retry; the OpenAPI document at /api/docs describes every request.',
      ),
    };
  }
  const known = FRAMEWORK_ERRORS[err.code];
  if (known) return { status: known.status, body: body(known.code, err.message, known.hint) };
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return {
      status: err.statusCode,
      body: body('INVALID_REQUEST', err.message, 'Fix the request and retry.'),
    };
  }
  return undefined;
}

function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? 'body';
  const missing = (first.params as { missingProperty?: string }).missingProperty;
  const path = [first.instancePath.replace(/^\//, '').replaceAll('/', '.'), missing]
    .filter((p) => p !== undefined && p !== '')
    .join('.');
  return `Invalid ${where}${path ? ` field "${path}"` : ''}: ${first.message ?? 'is not valid'}.`;
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as FastifyError).code === 'string' && !('kind' in err);
}

function bodyOf(error: LakewardError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      hint: error.hint ?? null,
      errorId: error.errorId,
    },
  };
}

function body(code: string, message: string, hint: string): ErrorBody {
  return { error: { code, message, hint, errorId: randomUUID() } };
}

export async function sendError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { status, body: payload } = toHttpError(err, request.log);
  if (err instanceof Busy) void reply.header('Retry-After', String(err.retryAfterSeconds));
  await reply.code(status).type('application/json; charset=utf-8').send(payload);
}

/** One place where every error of the HTTP API, and every unknown route, becomes JSON. */
export function installErrorMapping(app: FastifyInstance): void {
  app.addSchema(errorBodySchema);
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.setNotFoundHandler(async (request, reply) => {
    await reply
      .code(404)
      .send(
        body(
          'ROUTE_NOT_FOUND',
          `There is no route ${request.method} ${request.url.split('?')[0]}.`,
          'See the routes in the OpenAPI document at /api/docs.',
        ),
      );
  });
}
