import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createServices, initHome, type Services } from '../../../src/app.js';
import type { Caller } from '../../../src/governance/index.js';

export const POSTGRES_URL = process.env.LAKEWARD_TEST_POSTGRES_URL;

/**
 * The PostgreSQL variants run when a server is given, and always in CI, where a missing
 * server must fail the run instead of skipping half the suite.
 */
export const onPostgresToo =
  POSTGRES_URL !== undefined || (process.env.CI !== undefined && process.env.CI !== 'false');

export interface SearchHome {
  services: Services;
  admin: Caller;
  /** A non-admin user with an API token's principal. */
  user(name: string): Promise<Caller>;
  close(): Promise<void>;
}

async function onPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A real home on SQLite, or on a fresh schema of the test PostgreSQL. */
export async function searchHome(metastore: 'sqlite' | 'postgres'): Promise<SearchHome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-search-'));
  const schema = `lakeward_search_${randomBytes(6).toString('hex')}`;
  const overrides: Record<string, unknown> = { logLevel: 'silent' };
  if (metastore === 'postgres') {
    await onPostgres(`create schema ${schema}`);
    const options = encodeURIComponent(`-c search_path=${schema}`);
    overrides.metastore = `${POSTGRES_URL}?options=${options}`;
  }
  const { config } = await initHome({ home: dir, env: {}, overrides });
  const services = await createServices(config);
  const admin: Caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' },
  };
  return {
    services,
    admin,
    async user(name) {
      const created = await services.directory.createPrincipal(admin, { name, kind: 'user' });
      const { token } = await services.auth.issueToken(created.id, 'test');
      return { principal: await services.auth.authenticate(token), context: { channel: 'api' } };
    },
    async close() {
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
      if (metastore === 'postgres') await onPostgres(`drop schema ${schema} cascade`);
    },
  };
}
