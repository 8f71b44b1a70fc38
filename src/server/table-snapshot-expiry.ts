import type { FastifyInstance } from 'fastify';
import type { TableSnapshotExpiry } from '../catalog/index.js';
import { runPassesPeriodically } from './periodic-task.js';

/**
 * Expires old snapshots of streaming tables (and tables with snapshot-expiry.enabled=true)
 * every `intervalMs`, as the system, so their metadata stops growing with every commit.
 * One pass at a time; a table that fails is logged and tried again next pass.
 */
export function scheduleSnapshotExpiry(
  app: FastifyInstance,
  expiry: Pick<TableSnapshotExpiry, 'expireDue'>,
  options: { enabled: boolean; intervalMs: number },
): void {
  if (!options.enabled) return;
  const runPass = async (): Promise<void> => {
    try {
      const done = await expiry.expireDue((table, err) =>
        app.log.error({ err, table }, 'snapshot expiry of a table failed; trying again next pass'),
      );
      for (const r of done) {
        app.log.info(
          {
            table: r.table,
            snapshotsRemoved: r.snapshotsRemoved,
            snapshotsKept: r.snapshotsKept,
            olderThan: r.olderThan,
            filesDeleted: r.filesDeleted,
            failures: r.failures.length,
          },
          'expired old snapshots',
        );
        if (r.failures.length > 0) {
          app.log.warn(
            { table: r.table, failures: r.failures.slice(0, 10) },
            'some expired files stay behind as orphans',
          );
        }
      }
    } catch (err) {
      app.log.error({ err }, 'could not look for tables to expire; trying again later');
    }
  };
  runPassesPeriodically(app, options.intervalMs, runPass);
}
