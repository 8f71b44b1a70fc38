import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openMetastore } from '../../src/metastore/index.js';
import { metastoreContract } from './metastore.contract.js';

metastoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-metastore-'));
  const file = path.join(dir, 'nested', 'lakeward.db');
  return {
    uri: `sqlite:${file}`,
    runSql: async (statement) => {
      const db = new Database(file);
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('openMetastore', () => {
  it('keeps an embedded SQLite metastore in WAL mode, creating its folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-metastore-'));
    const file = path.join(dir, 'home', 'metastore.db');
    const metastore = await openMetastore(`sqlite:${file}`);
    await metastore.namespaces.create({ path: ['bronze'] });
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await metastore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a private in-memory SQLite metastore', async () => {
    const metastore = await openMetastore('sqlite::memory:');
    await metastore.namespaces.create({ path: ['gold'] });
    expect(await metastore.namespaces.get(['gold'])).toBeDefined();
    await metastore.close();
  });

  it('explains unsupported and malformed metastore URIs', async () => {
    await expect(openMetastore('mysql://localhost/db')).rejects.toMatchObject({
      code: 'UNSUPPORTED_METASTORE',
      hint: expect.stringContaining('postgres://'),
    });
    await expect(openMetastore('sqlite:relative/path.db')).rejects.toMatchObject({
      code: 'INVALID_METASTORE',
    });
  });

  it('reports an unreachable PostgreSQL without its password', async () => {
    const error = await openMetastore('postgres://lake:s3cret@127.0.0.1:1/lakeward').catch(
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ code: 'METASTORE_UNAVAILABLE', kind: 'unavailable' });
    expect((error as Error).message).not.toContain('s3cret');
  });
});
