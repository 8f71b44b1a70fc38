import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../../errors/index.js';
import { parseTableName } from '../../catalog/index.js';
import type { GovernedIngest, IngestFormat, IngestSummary } from '../../ingest/index.js';
import { INGEST_FORMATS } from '../../ingest/index.js';
import { callerOf } from '../caller.js';
import { abortOnDisconnect } from '../disconnect.js';
import { errorResponses, ingestSummarySchema } from '../schemas.js';
import { UploadFolder } from '../uploads.js';

declare module 'fastify' {
  interface FastifyRequest {
    uploads: UploadFolder | null;
  }
}

interface IngestBody {
  table: string;
  file: string[];
  format?: IngestFormat;
  mode?: 'append' | 'overwrite';
  where?: string;
  sourceSystem?: string;
  force?: boolean;
  delimiter?: string;
  header?: boolean;
}

export interface IngestRouteOptions {
  ingest: GovernedIngest;
  home: string;
  maxUploadBytes: number;
}

const MAX_FILES = 1000;

/** Reports files by the names the client sent rather than their temporary upload paths. */
function inClientTerms(summary: IngestSummary, uploads: UploadFolder): IngestSummary {
  return {
    ...summary,
    files: summary.files.map((f) => ({ ...f, path: uploads.originalNames.get(f.path) ?? f.path })),
  };
}

export async function ingestRoutes(
  app: FastifyInstance,
  options: IngestRouteOptions,
): Promise<void> {
  const uploadsRoot = join(options.home, 'tmp', 'uploads');
  app.decorateRequest('uploads', null);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: options.maxUploadBytes, files: MAX_FILES, fields: 20 },
    async onFile(part) {
      this.uploads ??= new UploadFolder(uploadsRoot);
      part.value = await this.uploads.save(part, options.maxUploadBytes);
    },
  });
  // Before the answer goes out (so a client that reads it finds the uploads gone), or on abort.
  app.addHook('onSend', async (request) => {
    await request.uploads?.remove();
  });
  app.addHook('onRequestAbort', async (request) => {
    await request.uploads?.remove();
  });

  app.post<{ Body: IngestBody }>(
    '/ingest',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Upload files (multipart/form-data, field "file", repeatable) into a bronze table',
        consumes: ['multipart/form-data'],
        body: {
          type: 'object',
          required: ['table', 'file'],
          additionalProperties: false,
          properties: {
            table: { type: 'string', minLength: 1, examples: ['bronze.retail.invoices'] },
            file: {
              type: 'array',
              minItems: 1,
              items: { type: 'string' },
              description: 'One or more files',
            },
            format: { type: 'string', enum: [...INGEST_FORMATS] },
            mode: { type: 'string', enum: ['append', 'overwrite'] },
            where: {
              type: 'string',
              minLength: 1,
              description: 'With mode overwrite: replace only the rows matching this condition',
            },
            sourceSystem: { type: 'string', minLength: 1 },
            force: { type: 'boolean' },
            delimiter: { type: 'string', minLength: 1, maxLength: 4, description: 'CSV delimiter' },
            header: { type: 'boolean', description: 'CSV files have a header row' },
          },
        },
        response: { 200: ingestSummarySchema, ...errorResponses(400, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const { table, file, delimiter, header, ...rest } = request.body;
      const uploads = uploadedFiles(request.uploads, file);
      const summary = await options.ingest.ingest(callerOf(request), {
        ...rest,
        table: parseTableName(table),
        paths: file,
        csv: {
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(header === undefined ? {} : { header }),
        },
        signal: abortOnDisconnect(reply),
      });
      return inClientTerms(summary, uploads);
    },
  );
}

/** A text field called "file" must not name a path on the server: only uploaded parts count. */
function uploadedFiles(uploads: UploadFolder | null, paths: string[]): UploadFolder {
  if (!uploads || paths.some((p) => !uploads.originalNames.has(p))) {
    throw new InvalidInput(
      'NOT_A_FILE_UPLOAD',
      'The field "file" must carry uploaded file content.',
      {
        hint: 'Send each file as a multipart file part, e.g. curl -F file=@orders.csv.',
      },
    );
  }
  return uploads;
}
