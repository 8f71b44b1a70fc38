import type { FastifyInstance } from 'fastify';
import type { CompactOptions, TableCompaction } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const compactionSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    dryRun: { type: 'boolean' },
    snapshotId: {
      type: ['string', 'null'],
      description: 'The compaction snapshot; null when nothing was committed',
    },
    partitions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          partition: { type: 'string', examples: ['day=19723'] },
          filesIn: { type: 'integer' },
          bytesIn: { type: 'integer' },
          rows: { type: 'integer' },
        },
      },
    },
    filesIn: { type: 'integer' },
    filesOut: { type: 'integer' },
    bytesIn: { type: 'integer' },
    bytesOut: { type: 'integer' },
    rows: { type: 'integer' },
    attempts: { type: 'integer', description: 'Plans made (more than 1 after a commit conflict)' },
  },
} as const;

export function tableCompactionRoutes(app: FastifyInstance, compaction: TableCompaction): void {
  app.post<{ Params: { table: string }; Body: CompactOptions | undefined }>(
    '/tables/:table/compact',
    {
      schema: {
        tags: ['tables'],
        summary: 'Rewrite small data files into larger ones, per partition (one replace snapshot)',
        params: {
          type: 'object',
          required: ['table'],
          properties: { table: { type: 'string', description: 'e.g. bronze.retail.invoices' } },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            targetFileSizeBytes: { type: 'integer', minimum: 1 },
            minFiles: { type: 'integer', minimum: 2 },
            smallFileBytes: { type: 'integer', minimum: 1 },
            dryRun: { type: 'boolean', description: 'Report the plan, change nothing' },
          },
        },
        response: { 200: compactionSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) =>
      compaction.compact(
        callerOf(request),
        parseTableName(request.params.table),
        request.body ?? {},
      ),
  );
}
