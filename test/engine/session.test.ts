import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, quoteIdent, quoteLiteral } from '../../src/engine/index.js';
import type { Session } from '../../src/engine/index.js';
import { applyTransform } from '../../src/iceberg/index.js';

let dir: string;
let session: Session;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-session-'));
  session = await openSession({ memoryLimit: '256MB', tempDir: dir, threads: 1 });
});

afterAll(() => {
  session.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('trusted session', () => {
  it('returns JSON-safe rows', async () => {
    const rows = await session.all(
      `SELECT 9007199254740993::BIGINT AS big, 1.50::DECIMAL(4,2) AS d, DATE '2026-01-02' AS day`,
    );
    expect(rows).toEqual([{ big: '9007199254740993', d: '1.50', day: '2026-01-02' }]);
  });

  it('quotes identifiers and literals so any text is safe', async () => {
    const name = 'we"ird col';
    const text = "it's; DROP TABLE x";
    const rows = await session.all(`SELECT ${quoteLiteral(text)} AS ${quoteIdent(name)}`);
    expect(rows).toEqual([{ [name]: text }]);
  });
});

describe('interrupt', () => {
  it('stops a running statement, and the session stays usable', async () => {
    const running = session.all('SELECT count(*) FROM range(1000000000000) a');
    setTimeout(() => session.interrupt(), 100);
    await expect(running).rejects.toThrow(/interrupt/i);
    expect(await session.all('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

describe('iceberg_bucket', () => {
  it('matches the spec test vectors', async () => {
    // Spec Appendix B: hash(34) = 2017239379, hash('iceberg') = 1210000089.
    const [row] = await session.all<Record<string, number>>(
      `SELECT iceberg_bucket(34, 1000) AS i, iceberg_bucket(34::BIGINT, 1000) AS l,
              iceberg_bucket('iceberg', 1000) AS s, iceberg_bucket(NULL::VARCHAR, 4) AS n`,
    );
    expect(row).toEqual({
      i: 2017239379 % 1000,
      l: 2017239379 % 1000,
      s: 1210000089 % 1000,
      n: null,
    });
  });

  it('agrees with applyTransform for dates, timestamps, uuids and decimals', async () => {
    const [row] = await session.all<Record<string, number>>(
      `SELECT iceberg_bucket(DATE '2017-11-16', 16) AS d,
              iceberg_bucket(TIMESTAMP '2017-11-16 22:31:08', 16) AS ts,
              iceberg_bucket('f79c3e09-677c-4bbd-a479-3f349cb785e7'::UUID, 16) AS u,
              iceberg_bucket_decimal(CAST(14.20::DECIMAL(9,2) AS VARCHAR), 16) AS dec`,
    );
    expect(row).toEqual({
      d: applyTransform('bucket[16]', 'date', 17486),
      ts: applyTransform('bucket[16]', 'timestamp', 1510871468000000n),
      u: applyTransform('bucket[16]', 'uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'),
      dec: applyTransform('bucket[16]', 'decimal(9, 2)', '14.20'),
    });
    // Spec Appendix B hashes of these values.
    expect(row).toEqual({
      d: (-653330422 & 0x7fffffff) % 16,
      ts: (-2047944441 & 0x7fffffff) % 16,
      u: (1488055340 & 0x7fffffff) % 16,
      dec: (-500754589 & 0x7fffffff) % 16,
    });
  });
});
