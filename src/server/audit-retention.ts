import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../governance/index.js';
import { runPeriodically } from './periodic-task.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A running server keeps the audit log within `audit.retentionDays`: once when it is
 * ready and daily after, so a home left serving for years does not grow without end.
 * A failure is logged and retried the next day; it never stops the server.
 */
export function scheduleAuditRetention(
  app: FastifyInstance,
  audit: Pick<AuditLog, 'applyRetention'>,
): void {
  const apply = async (): Promise<void> => {
    try {
      const removed = await audit.applyRetention();
      if (removed > 0) app.log.info({ removed }, 'audit retention removed old events');
    } catch (err) {
      app.log.error({ err }, 'audit retention failed; retrying tomorrow');
    }
  };
  runPeriodically(app, { everyMs: DAY_MS, tick: apply });
}
