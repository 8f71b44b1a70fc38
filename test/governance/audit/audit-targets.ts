import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PermissionDenied } from '../../../src/errors/index.js';
import type { Authorizer, Decision, Principal } from '../../../src/governance/contract.js';

/** A metastore database that tests can also edit behind Lakeward's back. */
export interface AuditTarget {
  uri: string;
  /** Runs raw SQL directly on the database, as a tamperer with database access would. */
  runSql(statement: string): Promise<void>;
  /** Raw rows of a query on the database. */
  rows<T>(query: string): Promise<T[]>;
  cleanup(): Promise<void>;
}

export function sqliteTarget(): AuditTarget {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-audit-'));
  const file = path.join(dir, 'metastore.db');
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    uri: `sqlite:${file}`,
    runSql: async (statement) => withDb((db) => void db.exec(statement)),
    rows: async <T>(query: string) => withDb((db) => db.prepare(query).all() as T[]),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A schema of its own per test, so parallel test files never see each other's rows. */
export async function postgresTarget(url: string): Promise<AuditTarget> {
  const schema = `lakeward_audit_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`create schema ${schema}`));
  const separator = url.includes('?') ? '&' : '?';
  const inSchema = <T>(fn: (client: pg.Client) => Promise<T>) =>
    withClient(url, async (client) => {
      await client.query(`set search_path to ${schema}`);
      return fn(client);
    });
  return {
    uri: `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    runSql: async (statement) => void (await inSchema((client) => client.query(statement))),
    rows: async <T>(query: string) =>
      inSchema(async (client) => (await client.query(query)).rows as T[]),
    cleanup: async () =>
      void (await withClient(url, (c) => c.query(`drop schema ${schema} cascade`))),
  };
}

/**
 * The two authorizer methods the audit log uses, over a fixed rule: admins may read
 * the audit log, nobody else may. Groups: all_users, admins for admins, and the
 * session's external groups.
 */
export const adminOnly: Pick<Authorizer, 'groupsOf' | 'require'> = {
  async groupsOf(principal: Principal): Promise<string[]> {
    return [
      'all_users',
      ...(principal.isAdmin ? ['admins'] : []),
      ...(principal.externalGroups ?? []),
    ];
  },
  async require(principal, privilege, securable): Promise<Decision> {
    if (!principal.isAdmin) {
      throw new PermissionDenied(
        'PERMISSION_DENIED',
        `${principal.name} lacks ${privilege} on the catalog.`,
        {
          hint: 'Ask an admin to grant it.',
        },
      );
    }
    return {
      allowed: true,
      privilege,
      securable,
      reason: 'admin',
      sources: [{ type: 'admin', description: 'admin' }],
    };
  },
};

export const admin: Principal = {
  id: 'p-admin',
  name: 'admin',
  kind: 'user',
  isAdmin: true,
  authMethod: 'token',
};
export const analyst: Principal = {
  id: 'p-ana',
  name: 'ana',
  kind: 'user',
  isAdmin: false,
  authMethod: 'oidc',
  externalGroups: ['analysts'],
};
