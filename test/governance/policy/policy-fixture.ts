import { openMetastore } from '../../../src/metastore/index.js';
import type { GranteeRecord, Metastore } from '../../../src/metastore/index.js';
// Straight from the files: the governance index also exports siblings still being written.
import { PolicyAuthorizer } from '../../../src/governance/policy/policy-authorizer.js';
import { parseSecurable } from '../../../src/governance/policy/securable.js';
import type { Principal, Securable, SecurableKind } from '../../../src/governance/contract.js';

export const hashKey = Buffer.from('a test key for MASK_HASH, not a secret', 'utf8');

/** `table gold.revenue.monthly` → a securable. */
export function on(text: string): Securable {
  const space = text.indexOf(' ');
  if (space === -1) return parseSecurable(text as SecurableKind, '');
  return parseSecurable(text.slice(0, space) as SecurableKind, text.slice(space + 1));
}

/** `group:analysts` or `alice`. */
export function who(text: string): GranteeRecord {
  return text.startsWith('group:')
    ? { kind: 'group', name: text.slice('group:'.length) }
    : { kind: 'principal', name: text };
}

export function user(name: string, extra: Partial<Principal> = {}): Principal {
  return { id: `id-${name}`, name, kind: 'user', isAdmin: false, authMethod: 'token', ...extra };
}

/** A real (SQLite, in memory) metastore with shorthands to write policy, each bumping the version. */
export class PolicyFixture {
  private constructor(readonly metastore: Metastore) {}

  static async open(): Promise<PolicyFixture> {
    return new PolicyFixture(await openMetastore('sqlite::memory:'));
  }

  authorizer(refreshMs = 0, now?: () => number): PolicyAuthorizer {
    return new PolicyAuthorizer(this.metastore, {
      refreshMs,
      maskHashKey: hashKey,
      ...(now ? { now } : {}),
    });
  }

  async grant(privilege: string, securable: string, grantee: string, withGrantOption = false) {
    const g = await this.metastore.grants.upsert({
      securable: on(securable),
      privilege,
      grantee: who(grantee),
      withGrantOption,
      grantedBy: 'admin',
    });
    await this.metastore.policyVersion.bump();
    return g;
  }

  async member(group: string, member: string): Promise<void> {
    for (const name of [group, ...(member.startsWith('group:') ? [member.slice(6)] : [])]) {
      if (!(await this.metastore.groups.getByName(name)))
        await this.metastore.groups.create({ name });
    }
    await this.metastore.groups.addMember(group, who(member));
    await this.metastore.policyVersion.bump();
  }

  async tag(securable: string, key: string, value: string): Promise<void> {
    const known = await this.metastore.tags.getKey(key);
    if (!known) {
      await this.metastore.tags.createKey({
        key,
        allowedValues: [value],
        description: null,
        createdBy: 'admin',
      });
    } else if (!known.allowedValues.includes(value)) {
      await this.metastore.tags.updateKey(key, { allowedValues: [...known.allowedValues, value] });
    }
    await this.metastore.tags.assign({ securable: on(securable), key, value, assignedBy: 'admin' });
    await this.metastore.policyVersion.bump();
  }

  async tagPolicy(
    expression: string,
    privileges: string[],
    grantee: string,
    withGrantOption = false,
  ) {
    const p = await this.metastore.tags.createPolicy({
      expression,
      privileges,
      grantee: who(grantee),
      withGrantOption,
      createdBy: 'admin',
    });
    await this.metastore.policyVersion.bump();
    return p;
  }

  async filter(
    name: string,
    table: string,
    rowPredicate: string | null,
    grantees: string[],
    columns: { mode: 'all' | 'include' | 'exclude'; names?: string[] } = { mode: 'all' },
  ) {
    const f = await this.metastore.dataPolicies.createFilter({
      name,
      table: on(`table ${table}`).path,
      rowPredicate,
      columnMode: columns.mode,
      columns: columns.names ?? [],
      grantees: grantees.map(who),
      createdBy: 'admin',
    });
    await this.metastore.policyVersion.bump();
    return f;
  }

  async mask(
    table: string,
    column: string,
    fn: string,
    options: { expression?: string; exempt?: string[] } = {},
  ) {
    const m = await this.metastore.dataPolicies.setMask({
      table: on(`table ${table}`).path,
      column,
      function: fn,
      expression: options.expression ?? null,
      exempt: (options.exempt ?? []).map(who),
      createdBy: 'admin',
    });
    await this.metastore.policyVersion.bump();
    return m;
  }

  async close(): Promise<void> {
    await this.metastore.close();
  }
}
