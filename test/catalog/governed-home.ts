import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { TableIdent } from '../../src/catalog/index.js';
import { appendQuery, openSession } from '../../src/engine/index.js';
import type { AuditEvent, Caller, Privilege, Securable } from '../../src/governance/index.js';

/** A real home (SQLite, file warehouse) with its admin, and users who sign in with tokens. */
export interface GovernedHome {
  dir: string;
  services: Services;
  admin: Caller;
  /** A non-admin user in the given groups (created when missing), as its API token shows it. */
  user(name: string, groups?: string[]): Promise<Caller>;
  grant(privileges: Privilege[], securable: Securable, to: Caller | string): Promise<void>;
  /** Rows appended to a table in one snapshot, e.g. `SELECT * FROM (VALUES …) t(a, b)`. */
  append(table: TableIdent, select: string): Promise<void>;
  /** Events of one principal, oldest first. */
  events(principal: string, action?: string): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/** `overrides`: settings as lakeward.yaml would give them. */
export async function governedHome(overrides?: Record<string, unknown>): Promise<GovernedHome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-governed-'));
  const { config } = await initHome({
    home: dir,
    env: {},
    ...(overrides === undefined ? {} : { overrides }),
  });
  const services = await createServices(config);
  const admin: Caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' },
  };
  const groups = new Set<string>();
  return {
    dir,
    services,
    admin,
    async user(name, memberOf = []) {
      const created = await services.directory.createPrincipal(admin, { name, kind: 'user' });
      for (const group of memberOf) {
        if (!groups.has(group)) await services.directory.createGroup(admin, { name: group });
        groups.add(group);
        await services.directory.addMember(admin, group, { kind: 'principal', name });
      }
      const { token } = await services.auth.issueToken(created.id, 'test');
      const principal = await services.auth.authenticate(token);
      return { principal, context: { channel: 'api', requestId: `test-${name}` } };
    },
    async grant(privileges, securable, to) {
      const grantee =
        typeof to === 'string'
          ? { kind: 'group' as const, name: to }
          : { kind: 'principal' as const, name: to.principal.name };
      await services.policies.grant(admin, { privileges, securable, grantee });
    },
    async append(table, select) {
      const tempDir = path.join(dir, 'tmp');
      const session = await openSession({ memoryLimit: '256MB', tempDir });
      try {
        const loaded = await services.catalog.loadTable(table);
        await appendQuery(session, loaded, select, { tempDir, targetFileSizeBytes: 1024 ** 2 });
      } finally {
        session.close();
      }
    },
    async events(principal, action) {
      const all = await services.audit.query(admin, {
        principal,
        ...(action === undefined ? {} : { action }),
      });
      return all.filter((e) => e.principal?.name === principal);
    },
    async close() {
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
