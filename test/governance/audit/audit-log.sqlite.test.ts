import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashChainAuditLog } from '../../../src/governance/audit/hash-chain-audit-log.js';
import { openMetastore } from '../../../src/metastore/index.js';
import type { Metastore } from '../../../src/metastore/index.js';
import { auditLogContract } from './audit-log.contract.js';
import { adminOnly, sqliteTarget } from './audit-targets.js';
import type { AuditTarget } from './audit-targets.js';

auditLogContract('sqlite', async () => sqliteTarget());

describe('HashChainAuditLog on a long chain', () => {
  let target: AuditTarget;
  let metastore: Metastore;
  let log: HashChainAuditLog;

  beforeEach(async () => {
    target = sqliteTarget();
    metastore = await openMetastore(target.uri);
    log = new HashChainAuditLog(metastore, { authorizer: adminOnly, retentionDays: 400 });
    for (let i = 0; i < 5_003; i += 1) await log.record({ action: 'query', decision: 'allow' });
  });

  afterEach(async () => {
    await metastore.close();
    await target.cleanup();
  });

  it('walks every page of a chain longer than one read, across the page boundary', async () => {
    expect(await log.verify()).toEqual({ ok: true, checked: 5_003, firstSeq: 1, lastSeq: 5_003 });
    await target.runSql('delete from audit_events where seq = 5001');
    expect((await log.verify()).firstBroken).toEqual({
      seq: 5_001,
      reason: 'event 5001 is missing',
    });
  });
});
