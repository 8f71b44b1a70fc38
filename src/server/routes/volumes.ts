import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Volumes } from '../../catalog/index.js';
import { parseVolumeName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';
import {
  duplicateGroupSchema,
  listedFileSchema,
  uploadedFileSchema,
  volumeFileParams,
  volumeFileSchema,
  volumeParam,
  volumeSchema,
} from './volume-schemas.js';

const tags = ['volumes'];
const noContent = { 204: { type: 'null' } } as const;

interface VolumeParams {
  volume: string;
}

interface FileParams extends VolumeParams {
  '*': string;
}

/** Volumes of unstructured files: create, list, describe, rename, drop; upload and download files. */
export async function volumeRoutes(app: FastifyInstance, volumes: Volumes): Promise<void> {
  app.post<{ Body: { name: string; description?: string } }>(
    '/volumes',
    {
      schema: {
        tags,
        summary: 'Create a volume (CREATE_VOLUME on its namespace); the creator owns it',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, examples: ['bronze.media.photos'] },
            description: { type: 'string' },
          },
        },
        response: { 201: volumeSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { name, ...input } = request.body;
      const created = await volumes.create(callerOf(request), parseVolumeName(name), input);
      return reply.code(201).send(created);
    },
  );

  app.get<{ Querystring: { namespace: string } }>(
    '/volumes',
    {
      schema: {
        tags,
        summary: 'List the volumes of a namespace that the caller may see',
        querystring: {
          type: 'object',
          required: ['namespace'],
          properties: { namespace: { type: 'string', examples: ['bronze.media'] } },
        },
        response: {
          200: {
            type: 'object',
            properties: { volumes: { type: 'array', items: volumeSchema } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => ({
      volumes: await volumes.list(callerOf(request), request.query.namespace.split('.')),
    }),
  );

  app.get<{ Params: VolumeParams }>(
    '/volumes/:volume',
    {
      schema: {
        tags,
        summary: 'Describe a volume: description, owner, file count and total size',
        params: volumeParam,
        response: { 200: volumeSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => volumes.describe(callerOf(request), parseVolumeName(request.params.volume)),
  );

  app.patch<{ Params: VolumeParams; Body: { description?: string | null; name?: string } }>(
    '/volumes/:volume',
    {
      schema: {
        tags,
        summary: 'Change the description of a volume, or rename it (ALTER)',
        params: volumeParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: { type: ['string', 'null'] },
            name: { type: 'string', minLength: 1, description: 'The new dotted name' },
          },
        },
        response: { 200: volumeSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      let ident = parseVolumeName(request.params.volume);
      const { name, description } = request.body;
      if (name !== undefined) {
        const to = parseVolumeName(name);
        await volumes.rename(caller, ident, to);
        ident = to;
      }
      if (description !== undefined) return volumes.update(caller, ident, { description });
      return volumes.describe(caller, ident);
    },
  );

  app.delete<{ Params: VolumeParams }>(
    '/volumes/:volume',
    {
      schema: {
        tags,
        summary: 'Drop a volume and delete its files (DROP)',
        params: volumeParam,
        response: { ...noContent, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      await volumes.drop(callerOf(request), parseVolumeName(request.params.volume));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: VolumeParams; Querystring: { prefix?: string } }>(
    '/volumes/:volume/files',
    {
      schema: {
        tags,
        summary: 'List the files of a volume with their metadata (READ_VOLUME)',
        params: volumeParam,
        querystring: {
          type: 'object',
          properties: { prefix: { type: 'string', examples: ['daisy/'] } },
        },
        response: {
          200: {
            type: 'object',
            properties: { files: { type: 'array', items: listedFileSchema } },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => ({
      files: await volumes.files.list(
        callerOf(request),
        parseVolumeName(request.params.volume),
        request.query.prefix,
      ),
    }),
  );

  app.get<{ Params: VolumeParams }>(
    '/volumes/:volume/duplicates',
    {
      schema: {
        tags,
        summary: 'Files of the volume whose content another file has, here or in a visible volume',
        params: volumeParam,
        response: {
          200: {
            type: 'object',
            properties: { groups: { type: 'array', items: duplicateGroupSchema } },
          },
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => ({
      groups: await volumes.files.duplicates(
        callerOf(request),
        parseVolumeName(request.params.volume),
      ),
    }),
  );

  app.get<{ Params: FileParams }>(
    '/volumes/:volume/metadata/*',
    {
      schema: {
        tags,
        summary: "A file's metadata (READ_VOLUME)",
        params: volumeFileParams,
        response: { 200: volumeFileSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      volumes.files.metadata(
        callerOf(request),
        parseVolumeName(request.params.volume),
        request.params['*'],
      ),
  );

  app.get<{ Params: FileParams; Querystring: { metadata?: boolean } }>(
    '/volumes/:volume/files/*',
    {
      schema: {
        tags,
        summary:
          'Download a file (streamed; ETag is its SHA-256), or its metadata with ?metadata=true',
        params: volumeFileParams,
        querystring: { type: 'object', properties: { metadata: { type: 'boolean' } } },
        response: { ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const ident = parseVolumeName(request.params.volume);
      const path = request.params['*'];
      if (request.query.metadata === true) {
        return reply.send(await volumes.files.metadata(caller, ident, path));
      }
      const { file, stream } = await volumes.files.download(caller, ident, path);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.sizeBytes))
        .header('etag', `"${file.sha256}"`)
        .header('content-disposition', attachment(file.name))
        .send(stream);
    },
  );

  app.delete<{ Params: FileParams }>(
    '/volumes/:volume/files/*',
    {
      schema: {
        tags,
        summary: 'Delete a file (WRITE_VOLUME)',
        params: volumeFileParams,
        response: { ...noContent, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      await volumes.files.delete(
        callerOf(request),
        parseVolumeName(request.params.volume),
        request.params['*'],
      );
      return reply.code(204).send();
    },
  );

  await app.register(async (uploads) => {
    // The body is the file itself: passed through as a stream, never buffered; the
    // volume's size limit is applied while it streams.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    uploads.put<{ Params: FileParams; Querystring: { overwrite?: boolean } }>(
      '/volumes/:volume/files/*',
      {
        schema: {
          tags,
          summary:
            'Upload a file: the raw body (application/octet-stream), streamed (WRITE_VOLUME)',
          consumes: ['application/octet-stream'],
          params: volumeFileParams,
          querystring: { type: 'object', properties: { overwrite: { type: 'boolean' } } },
          response: { 201: uploadedFileSchema, ...errorResponses(400, 403, 404, 409, 413) },
        },
      },
      async (request, reply) => {
        const uploaded = await volumes.files.upload(
          callerOf(request),
          parseVolumeName(request.params.volume),
          request.params['*'],
          bodyStream(request),
          { overwrite: request.query.overwrite === true },
        );
        return reply.code(201).send(uploaded);
      },
    );
  });
}

/** The name as plain ASCII for old clients, and exactly (RFC 5987) for the others. */
function attachment(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The parser's stream, or the raw request when the client sent no content type (curl -T). */
function bodyStream(request: FastifyRequest): Readable {
  return (request.body as Readable | undefined) ?? request.raw;
}
