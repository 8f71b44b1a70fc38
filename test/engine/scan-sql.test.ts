import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, scanSql } from '../../src/engine/index.js';
import type { Session } from '../../src/engine/index.js';
import type { Schema } from '../../src/iceberg/index.js';

let dir: string;
let session: Session;
let oldFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-scan-'));
  session = await openSession({ memoryLimit: '256MB', tempDir: dir, threads: 1 });
  // Written when the table was (id int, name string, tags list<string>).
  oldFile = path.join(dir, "it's old.parquet");
  await session.run(
    `COPY (SELECT 1::INTEGER AS id, 'ada' AS name, ['x', 'y'] AS tags UNION ALL SELECT 2, 'bob', NULL)
     TO '${oldFile.replaceAll("'", "''")}' (FORMAT PARQUET, FIELD_IDS {id: 1, name: 2, tags: {__duckdb_field_id: 3, element: 4}})`,
  );
});

afterAll(() => {
  session.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Later: id widened to long, name renamed to full_name, tags dropped, note added.
const evolved: Schema = {
  type: 'struct',
  'schema-id': 1,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'full_name', required: false, type: 'string' },
    { id: 5, name: 'note', required: false, type: 'string' },
  ],
};

describe('scanSql', () => {
  it('reads columns by field id: renamed keep data, dropped vanish, added read NULL, widened cast', async () => {
    const sql = scanSql(evolved, [oldFile]);
    expect(await session.all(`${sql} ORDER BY id`)).toEqual([
      { id: '1', full_name: 'ada', note: null },
      { id: '2', full_name: 'bob', note: null },
    ]);
    expect(await session.describe(sql)).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'full_name', type: 'VARCHAR' },
      { name: 'note', type: 'VARCHAR' },
    ]);
  });

  it('reads nested columns', async () => {
    const original: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'id', required: false, type: 'int' },
        {
          id: 3,
          name: 'tags',
          required: false,
          type: { type: 'list', 'element-id': 4, element: 'string', 'element-required': false },
        },
      ],
    };
    const rows = await session.all(`${scanSql(original, [oldFile])} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, tags: ['x', 'y'] },
      { id: 2, tags: null },
    ]);
  });

  it('reads only the requested columns, in the requested order', async () => {
    const sql = scanSql(evolved, [oldFile], { columns: ['full_name', 'id'] });
    expect(await session.all(`${sql} ORDER BY id`)).toEqual([
      { full_name: 'ada', id: '1' },
      { full_name: 'bob', id: '2' },
    ]);
    expect(() => scanSql(evolved, [oldFile], { columns: ['nope'] })).toThrow(/no column 'nope'/);
  });

  it('gives an empty result with the right types when there are no files', async () => {
    const sql = scanSql(evolved, []);
    expect(await session.all(sql)).toEqual([]);
    expect((await session.describe(sql)).map((c) => c.type)).toEqual([
      'BIGINT',
      'VARCHAR',
      'VARCHAR',
    ]);
  });
});
