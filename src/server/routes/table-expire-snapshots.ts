import type { FastifyInstance } from 'fastify';
import type { ExpireSnapshotsRequest, TableSnapshotExpiry } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const count = { type: 'integer' } as const;

const expirySchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    dryRun: { type: 'boolean' },
    olderThan: {
      type: 'string',
      format: 'date-time',
      description: 'The cut-off used: snapshots committed before it were (or would be) removed',
    },
    retainLast: count,
    snapshotsRemoved: count,
    snapshotsKept: count,
    removedSnapshotIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'Oldest first, at most 1000 (snapshotsRemoved counts all)',
    },
    refsRemoved: { type: 'array', items: { type: 'string' } },
    filesDeleted: {
      type: 'object',
      description: 'Files deleted (on dryRun: that would be deleted), by kind',
      properties: { manifestLists: count, manifests: count, dataFiles: count, deleteFiles: count },
    },
    failures: {
      type: 'array',
      description: 'Files left behind as harmless orphans, and cleanup steps skipped',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, error: { type: 'string' } },
      },
    },
  },
} as const;

export function tableExpireSnapshotsRoutes(
  app: FastifyInstance,
  expiry: TableSnapshotExpiry,
): void {
  app.post<{ Params: { table: string }; Body: ExpireSnapshotsRequest | undefined }>(
    '/tables/:table/expire-snapshots',
    {
      schema: {
        tags: ['tables'],
        summary:
          'Remove old snapshots and the files only they reach (Iceberg expire_snapshots); needs MODIFY',
        params: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string', description: 'e.g. bronze.iot.readings' } },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            olderThan: {
              type: 'string',
              minLength: 1,
              description:
                'A duration back from now (7d, 12h, 30m, 90s, 500ms, 2w) or an ISO time; default: the table retention',
              examples: ['7d', '2026-11-01T00:00:00Z'],
            },
            retainLast: {
              type: 'integer',
              minimum: 1,
              description: 'Newest snapshots of the current history always kept',
            },
            dryRun: { type: 'boolean', description: 'Report what would go, change nothing' },
          },
        },
        response: { 200: expirySchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) =>
      expiry.expire(callerOf(request), parseTableName(request.params.table), request.body ?? {}),
  );
}
