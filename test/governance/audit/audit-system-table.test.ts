import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../../src/engine/index.js';
import type { TableResolver } from '../../../src/engine/index.js';
import { AuditSystemTable } from '../../../src/governance/audit/audit-system-table.js';
import { HashChainAuditLog } from '../../../src/governance/audit/hash-chain-audit-log.js';
import type { Principal } from '../../../src/governance/contract.js';
import { NotFound } from '../../../src/errors/index.js';
import { openMetastore } from '../../../src/metastore/index.js';
import type { Metastore } from '../../../src/metastore/index.js';
import { admin, adminOnly, analyst } from './audit-targets.js';

let dir: string;
let metastore: Metastore;
let log: HashChainAuditLog;
let table: AuditSystemTable;
let engine: QueryEngine;

/** The smallest catalog: `system.audit` and nothing else, read as the given principal. */
function resolverFor(principal: Principal): TableResolver {
  return {
    async resolve(ref) {
      if (ref.parts.join('.') !== 'system.audit') {
        throw new NotFound('TABLE_NOT_FOUND', `No table ${ref.parts.join('.')}.`);
      }
      return table.resolve(principal);
    },
  };
}

const tempDir = () => path.join(dir, 'audit-tmp');

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-audit-table-'));
  metastore = await openMetastore(`sqlite:${path.join(dir, 'metastore.db')}`);
  log = new HashChainAuditLog(metastore, { authorizer: adminOnly, retentionDays: 400 });
  table = new AuditSystemTable(metastore, { authorizer: adminOnly, tempDir: tempDir() });
  engine = new QueryEngine({
    tempDir: path.join(dir, 'engine-tmp'),
    timeoutMs: 30_000,
    memoryLimit: '256MB',
    threads: 1,
    maxResultRows: 1000,
  });
  const caller = { principal: analyst, context: { channel: 'sql' as const } };
  for (const action of ['query', 'query', 'query', 'grant', 'table.create']) {
    await log.record({
      caller,
      action,
      decision: 'allow',
      columns: ['ssn'],
      policies: { masks: ['ssn: MASK_SHOW_LAST_4'] },
      rowsReturned: 7,
      snapshots: [{ table: 'gold.t', snapshotId: '9007199254740993' }],
      status: 200,
    });
  }
});

afterEach(async () => {
  engine.close();
  await metastore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('system.audit', () => {
  it('answers SQL over the audit log for a holder of READ_AUDIT', async () => {
    const result = await engine.execute(
      'SELECT action, count(*) FROM system.audit GROUP BY 1 ORDER BY 1',
      resolverFor(admin),
    );
    expect(result.rows).toEqual([
      ['grant', 1],
      ['query', 3],
      ['table.create', 1],
    ]);
  });

  it('keeps the event fields typed, lists as lists and times as timestamps', async () => {
    const events = await log.query({ principal: admin, context: { channel: 'api' } }, {});
    const result = await engine.execute(
      'SELECT seq, time, principal, groups, columns, masks, rows_returned, status, snapshots, hash ' +
        'FROM system.audit WHERE seq = 2',
      resolverFor(admin),
    );
    expect(result.columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'TIMESTAMP WITH TIME ZONE',
      'VARCHAR',
      'VARCHAR[]',
      'VARCHAR[]',
      'VARCHAR[]',
      'BIGINT',
      'INTEGER',
      'VARCHAR',
      'VARCHAR',
    ]);
    const second = events[1]!;
    // The engine prints times without trailing zeros (…54.71Z): compare instants.
    expect(Date.parse(result.rows[0]![1] as string)).toBe(Date.parse(second.time));
    expect(result.rows[0]).toEqual([
      2,
      expect.any(String),
      'ana',
      ['all_users', 'analysts'],
      ['ssn'],
      ['ssn: MASK_SHOW_LAST_4'],
      7,
      200,
      '[{"snapshotId":"9007199254740993","table":"gold.t"}]',
      second.hash,
    ]);
  });

  it('refuses a caller without READ_AUDIT with the authorizer error', async () => {
    await expect(table.resolve(analyst)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(
      engine.execute('SELECT count(*) FROM system.audit', resolverFor(analyst)),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('reuses its Parquet copy until the log changes, then replaces it', async () => {
    const first = (await table.resolve(admin)).namedFiles![0]!;
    expect((await table.resolve(admin)).namedFiles).toEqual([first]);
    await log.record({ action: 'login', decision: 'deny' });
    const second = (await table.resolve(admin)).namedFiles![0]!;
    expect(second).not.toBe(first);
    const count = await engine.execute('SELECT count(*) FROM system.audit', resolverFor(admin));
    expect(count.rows).toEqual([[6]]);
    await log.record({ action: 'login', decision: 'deny' });
    const third = (await table.resolve(admin)).namedFiles![0]!;
    // The copy before last is gone; the last one stays for queries still opening it.
    expect(existsSync(first)).toBe(false);
    expect(readdirSync(tempDir()).sort()).toEqual(
      [path.basename(second), path.basename(third)].sort(),
    );
  });

  it('reads an empty log as an empty table', async () => {
    const emptyDir = path.join(dir, 'empty');
    const empty = await openMetastore(`sqlite:${path.join(emptyDir, 'metastore.db')}`);
    try {
      table = new AuditSystemTable(empty, { authorizer: adminOnly, tempDir: emptyDir });
      const result = await engine.execute('SELECT count(*) FROM system.audit', resolverFor(admin));
      expect(result.rows).toEqual([[0]]);
    } finally {
      await empty.close();
    }
  });
});
