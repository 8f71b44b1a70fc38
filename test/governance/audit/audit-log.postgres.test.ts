import { describe, it } from 'vitest';
import { auditLogContract } from './audit-log.contract.js';
import { postgresTarget } from './audit-targets.js';

const url = process.env.LAKEWARD_TEST_POSTGRES_URL;
const startHint = 'start one with `bash test/services/postgres.sh` and export the URL it prints';

if (url) {
  auditLogContract('postgres', () => postgresTarget(url));
} else if (process.env.CI && process.env.CI !== 'false') {
  describe('HashChainAuditLog on postgres', () => {
    it('needs LAKEWARD_TEST_POSTGRES_URL in CI', () => {
      throw new Error(`LAKEWARD_TEST_POSTGRES_URL is not set: ${startHint}.`);
    });
  });
} else {
  describe.skip(`HashChainAuditLog on postgres (skipped: LAKEWARD_TEST_POSTGRES_URL is not set; ${startHint})`, () => {
    it('runs against a real PostgreSQL', () => undefined);
  });
}
