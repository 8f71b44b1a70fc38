import type { FastifyInstance } from 'fastify';
import type { TableCompaction } from '../catalog/index.js';
import { runPassesPeriodically } from './periodic-task.js';

/**
 * Compacts the small files of streaming tables (and tables with compaction.enabled=true)
 * every `intervalMs`, as the system. One pass at a time: a pass still going when the next
 * tick comes is left to finish. A table that fails is logged and tried again next pass;
 * the others go on.
 */
export function scheduleTableCompaction(
  app: FastifyInstance,
  compaction: Pick<TableCompaction, 'compactDue'>,
  options: { enabled: boolean; intervalMs: number },
): void {
  if (!options.enabled) return;
  const runPass = async (): Promise<void> => {
    try {
      const done = await compaction.compactDue((table, err) =>
        app.log.error({ err, table }, 'compaction of a table failed; trying again next pass'),
      );
      for (const r of done) {
        app.log.info(
          { table: r.table, filesIn: r.filesIn, filesOut: r.filesOut, snapshot: r.snapshotId },
          'compacted small files',
        );
      }
    } catch (err) {
      app.log.error({ err }, 'could not look for tables to compact; trying again later');
    }
  };
  runPassesPeriodically(app, options.intervalMs, runPass);
}
