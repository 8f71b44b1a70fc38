import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotFound } from '../../../src/errors/index.js';
import { PolicyAdministration, PolicyAuthorizer } from '../../../src/governance/index.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditLog,
  Caller,
  ColumnShape,
  Principal,
  Privilege,
  Securable,
  SecurableDirectory,
} from '../../../src/governance/index.js';
import { openMetastore, type Metastore } from '../../../src/metastore/index.js';

/** The catalog as these tests define it: two layers, two tables. */
const NAMESPACES = [['gold'], ['gold', 'revenue'], ['bronze'], ['bronze', 'crm']];
const TABLES: Record<string, ColumnShape[]> = {
  'gold.revenue.monthly': [
    { name: 'region', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'month', type: 'date' },
  ],
  'bronze.crm.customers': [
    { name: 'id', type: 'long' },
    { name: 'region', type: 'string' },
    { name: 'ssn', type: 'string' },
    { name: 'birth_date', type: 'date' },
  ],
};

/** A fixed SecurableDirectory: the port the catalog implements in the product. */
export class FixedSecurables implements SecurableDirectory {
  async exists(s: Securable): Promise<boolean> {
    switch (s.kind) {
      case 'catalog':
        return true;
      case 'namespace':
        return NAMESPACES.some((n) => n.join('.') === s.path.join('.'));
      case 'table':
        return TABLES[s.path.join('.')] !== undefined;
      case 'column':
        return (TABLES[s.path.slice(0, -1).join('.')] ?? []).some((c) => c.name === s.path.at(-1));
      case 'volume':
        return false;
    }
  }

  async columns(table: string[]): Promise<ColumnShape[]> {
    const columns = TABLES[table.join('.')];
    if (columns === undefined)
      throw new NotFound('TABLE_NOT_FOUND', `Table ${table.join('.')} does not exist`);
    return columns;
  }
}

/** A real `record` that keeps the events in memory, shaped as the audit log returns them. */
export class MemoryAudit implements Pick<AuditLog, 'record'> {
  readonly events: AuditEvent[] = [];

  async record(input: AuditEventInput): Promise<AuditEvent> {
    const p = input.caller?.principal;
    const event: AuditEvent = {
      seq: this.events.length + 1,
      eventId: `e${this.events.length + 1}`,
      time: new Date().toISOString(),
      principal: p === undefined ? null : { id: p.id, name: p.name, kind: p.kind },
      groups: [],
      authMethod: p?.authMethod ?? null,
      channel: input.caller?.context.channel ?? null,
      sourceAddress: null,
      userAgent: null,
      requestId: null,
      action: input.action,
      resource: input.resource ?? null,
      columns: input.columns ?? [],
      decision: input.decision,
      reason: input.reason ?? null,
      policies: { grants: [], filters: [], masks: [] },
      queryText: null,
      querySha256: null,
      rowsReturned: null,
      bytesScanned: null,
      durationMs: null,
      snapshots: [],
      status: null,
      prevHash: '',
      hash: '',
    };
    this.events.push(event);
    return event;
  }

  last(): AuditEvent | undefined {
    return this.events.at(-1);
  }
}

export interface AdminWorld {
  metastore: Metastore;
  authorizer: PolicyAuthorizer;
  audit: MemoryAudit;
  admin: PolicyAdministration;
  as: Record<'root' | 'alice' | 'bob' | 'carol', Caller>;
  close(): Promise<void>;
}

/** A SQLite metastore in a temp file, the real authorizer, and four principals. */
export async function adminWorld(): Promise<AdminWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakeward-admin-'));
  const metastore = await openMetastore(`sqlite:${path.join(dir, 'metastore.db')}`);
  const authorizer = new PolicyAuthorizer(metastore, {
    refreshMs: 60_000,
    maskHashKey: Buffer.alloc(32, 7),
  });
  const audit = new MemoryAudit();
  const admin = new PolicyAdministration(metastore, {
    authorizer,
    audit,
    securables: new FixedSecurables(),
  });
  const caller = async (name: string, isAdmin: boolean): Promise<Caller> => {
    const r = await metastore.principals.create({ name, kind: 'user', isAdmin });
    const principal: Principal = { id: r.id, name, kind: 'user', isAdmin, authMethod: 'token' };
    return { principal, context: { channel: 'api' } };
  };
  const as = {
    root: await caller('root', true),
    alice: await caller('alice', false),
    bob: await caller('bob', false),
    carol: await caller('carol', false),
  };
  await metastore.groups.create({ name: 'marketing_team' });
  await metastore.groups.addMember('marketing_team', { kind: 'principal', name: 'bob' });
  return {
    metastore,
    authorizer,
    audit,
    admin,
    as,
    close: async () => {
      await metastore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{
  code: string;
  kind: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; kind: string; message: string; hint?: string };
  }
  throw new Error('expected a rejection');
}

export const MONTHLY: Securable = { kind: 'table', path: ['gold', 'revenue', 'monthly'] };
export const CUSTOMERS: Securable = { kind: 'table', path: ['bronze', 'crm', 'customers'] };
export const GOLD: Securable = { kind: 'namespace', path: ['gold'] };
export const REVENUE: Securable = { kind: 'namespace', path: ['gold', 'revenue'] };
export const CATALOG: Securable = { kind: 'catalog', path: [] };
export const user = (name: string) => ({ kind: 'principal' as const, name });
export const group = (name: string) => ({ kind: 'group' as const, name });

/**
 * USAGE on the catalog for everyone, written straight to the metastore: reaching a
 * table needs USAGE on its namespaces, which these tests take as given.
 */
export async function openNamespaces(w: AdminWorld): Promise<void> {
  await w.metastore.grants.upsert({
    securable: CATALOG,
    privilege: 'USAGE',
    grantee: { kind: 'group', name: 'all_users' },
    withGrantOption: false,
    grantedBy: 'test',
  });
  await w.metastore.policyVersion.bump();
  w.authorizer.invalidate();
}

/** Privilege names as an edge passes them through, unchecked (any case, unknown names). */
export const privilegeNames = (names: string[]): Privilege[] => names as Privilege[];
