import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openMetastore } from '../../src/metastore/index.js';
import type { MetastoreTarget } from './metastore.contract.js';
import { metastoreContract } from './metastore.contract.js';

const url = process.env.LAKEWARD_TEST_POSTGRES_URL;
const startHint = 'start one with `bash test/services/postgres.sh` and export the URL it prints';

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Each test gets its own schema, so runs and parallel files never see each other's rows. */
async function freshSchema(base: string): Promise<MetastoreTarget> {
  const schema = `lakeward_test_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  const separator = base.includes('?') ? '&' : '?';
  return {
    uri: `${base}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    runSql: async (statement) => {
      await withClient(async (client) => {
        await client.query(`set search_path to ${schema}`);
        await client.query(statement);
      });
    },
    cleanup: async () => {
      await withClient((client) => client.query(`drop schema ${schema} cascade`));
    },
  };
}

if (url) {
  metastoreContract('postgres', () => freshSchema(url));

  describe('PostgreSQL metastore', () => {
    it('keeps metastores in separate schemas of one database apart', async () => {
      const [first, second] = [await freshSchema(url), await freshSchema(url)];
      try {
        const one = await openMetastore(first.uri);
        await one.namespaces.create({ path: ['bronze'] });
        const two = await openMetastore(second.uri);
        expect(await two.namespaces.listChildren([])).toEqual([]);
        await two.namespaces.create({ path: ['bronze'] });
        expect((await one.namespaces.listChildren([])).map((n) => n.path)).toEqual([['bronze']]);
        await Promise.all([one.close(), two.close()]);
      } finally {
        await first.cleanup();
        await second.cleanup();
      }
    });
  });
} else if (process.env.CI && process.env.CI !== 'false') {
  describe('Metastore contract: postgres', () => {
    it('needs LAKEWARD_TEST_POSTGRES_URL in CI', () => {
      throw new Error(`LAKEWARD_TEST_POSTGRES_URL is not set: ${startHint}.`);
    });
  });
} else {
  console.warn(
    `PostgreSQL metastore tests skipped: LAKEWARD_TEST_POSTGRES_URL is not set; ${startHint}.`,
  );
  describe.skip(`Metastore contract: postgres (skipped: LAKEWARD_TEST_POSTGRES_URL is not set; ${startHint})`, () => {
    it('runs against a real PostgreSQL', () => undefined);
  });
}
