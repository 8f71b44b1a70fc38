import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox } from '../../src/engine/sandbox.js';
import type { Sandbox } from '../../src/engine/sandbox.js';

/**
 * The sandbox is the second wall: these statements never get past the statement
 * policy, so they are run on a sandbox connection directly to prove it holds alone.
 */
let dir: string;
let table: string;
let other: string;
let sandbox: Sandbox;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-sandbox-'));
  table = path.join(dir, 'table.parquet');
  other = path.join(dir, 'other.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`COPY (SELECT 42 AS answer) TO '${table}' (FORMAT PARQUET)`);
  await db.run(`COPY (SELECT 'secret' AS s) TO '${other}' (FORMAT PARQUET)`);
  db.closeSync();
  instance.closeSync();
  sandbox = await openSandbox({
    readableFiles: [table],
    memoryLimit: '64MB',
    threads: 1,
    spillRoot: path.join(dir, 'spill'),
  });
});

afterAll(() => {
  sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string): Promise<unknown[][]> {
  return (await sandbox.connection.runAndReadAll(sql)).getRows();
}

describe('sandbox', () => {
  it('reads the files it was given', async () => {
    expect(await run(`SELECT answer FROM read_parquet('${table}')`)).toEqual([[42]]);
  });

  const escapes = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/etc/*')",
    `SELECT * FROM read_parquet('${dir}/*.parquet')`,
    "COPY (SELECT 1) TO '/tmp/lakeward-sandbox-escape.csv'",
    "ATTACH '/tmp/lakeward-sandbox-escape.db' AS x",
    'SET enable_external_access = true',
    "SET allowed_directories = ['/']",
    'RESET lock_configuration',
    "PRAGMA memory_limit = '10GB'",
    "SELECT getenv('HOME')",
    'INSTALL httpfs',
    'LOAD httpfs',
  ];
  for (const sql of escapes) {
    it(`refuses: ${sql}`, async () => {
      await expect(run(sql)).rejects.toThrow(/Permission|locked|disabled|does not exist/);
    });
  }

  it('refuses another file of the same folder', async () => {
    await expect(run(`SELECT * FROM read_parquet('${other}')`)).rejects.toThrow(/Permission/);
  });

  it('has nothing written where COPY and ATTACH aimed', () => {
    expect(fs.existsSync('/tmp/lakeward-sandbox-escape.csv')).toBe(false);
    expect(fs.existsSync('/tmp/lakeward-sandbox-escape.db')).toBe(false);
  });

  it('removes its spill folder when closed', async () => {
    const spillRoot = path.join(dir, 'spill-2');
    const second = await openSandbox({ readableFiles: [], memoryLimit: '64MB', spillRoot });
    expect(fs.readdirSync(spillRoot)).toHaveLength(1);
    second.close();
    expect(fs.readdirSync(spillRoot)).toEqual([]);
  });
});
