import type {
  ColumnMaskRecord,
  DataFilterRecord,
  GrantRecord,
  GroupMemberRecord,
  Metastore,
  TagAssignmentRecord,
  TagPolicyRecord,
} from '../../metastore/index.js';
import type { Securable } from '../contract.js';
import { granteeKey, GroupGraph } from './grantee-set.js';
import { ancestorsOf, securableKey, securableText } from './securable.js';
import { matchesTags, parseTagExpression } from './tag-expression.js';
import type { TagExpression } from './tag-expression.js';

export type PolicyStore = Pick<
  Metastore,
  'grants' | 'groups' | 'tags' | 'dataPolicies' | 'policyVersion' | 'principals'
>;

/** Everything the policy is made of, as read from the metastore at one version. */
export interface PolicyRecords {
  version: number;
  grants: GrantRecord[];
  memberships: GroupMemberRecord[];
  assignments: TagAssignmentRecord[];
  tagPolicies: TagPolicyRecord[];
  filters: DataFilterRecord[];
  masks: ColumnMaskRecord[];
}

export interface ParsedTagPolicy {
  record: TagPolicyRecord;
  expression: TagExpression;
  /** The grantee's key, computed once (decisions compare it many times). */
  holder: string;
}

/** A grant with its grantee's key computed once. */
export interface HeldGrant extends GrantRecord {
  holder: string;
}

/** Who holds something at or below a securable, with what (for DESCRIBE's explanation). */
type Holders = Map<string, string>;

const NO_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * The policy at one version, indexed for the decision: grants by securable,
 * group nesting, tags by securable, tag policies, and filters and masks by table.
 */
export class PolicySnapshot {
  readonly version: number;
  readonly groups: GroupGraph;
  readonly tagPolicies: ParsedTagPolicy[] = [];
  private readonly grantsOn = new Map<string, HeldGrant[]>();
  private readonly ownTags = new Map<string, Map<string, string>>();
  private readonly effective = new Map<string, ReadonlyMap<string, string>>();
  private readonly filtersOn = new Map<string, DataFilterRecord[]>();
  private readonly masksOn = new Map<string, Map<string, ColumnMaskRecord>>();
  /** Securable key → grantee key → what it holds at or below that securable. */
  private readonly holdersBelow = new Map<string, Holders>();
  /** Table key → its columns that carry grants or tags. */
  private readonly notableColumns = new Map<string, Securable[]>();

  static async load(store: PolicyStore): Promise<PolicySnapshot> {
    // The version first: a change made while loading makes the next check reload.
    const version = await store.policyVersion.current();
    const [grants, memberships, assignments, tagPolicies, filters, masks] = await Promise.all([
      store.grants.list(),
      store.groups.listMemberships(),
      store.tags.listAssignments(),
      store.tags.listPolicies(),
      store.dataPolicies.listFilters(),
      store.dataPolicies.listMasks(),
    ]);
    return new PolicySnapshot({
      version,
      grants,
      memberships,
      assignments,
      tagPolicies,
      filters,
      masks,
    });
  }

  constructor(records: PolicyRecords) {
    this.version = records.version;
    this.groups = new GroupGraph(records.memberships);
    for (const grant of records.grants) {
      push(this.grantsOn, securableKey(grant.securable), {
        ...grant,
        holder: granteeKey(grant.grantee),
      });
      this.noteColumn(grant.securable);
      this.noteHolder(grant.securable, granteeKey(grant.grantee), describeRecord(grant));
    }
    for (const a of records.assignments) {
      const key = securableKey(a.securable);
      const tags = this.ownTags.get(key) ?? new Map<string, string>();
      tags.set(a.key, a.value);
      this.ownTags.set(key, tags);
      this.noteColumn(a.securable);
    }
    for (const record of records.tagPolicies) {
      // A policy whose expression no longer parses grants nothing (fail closed).
      try {
        const expression = parseTagExpression(record.expression);
        this.tagPolicies.push({ record, expression, holder: granteeKey(record.grantee) });
      } catch {
        continue;
      }
    }
    const tagged = new Map(
      records.assignments.map((a) => [securableKey(a.securable), a.securable]),
    );
    for (const securable of tagged.values()) {
      for (const policy of this.tagPolicies) {
        if (!matchesTags(policy.expression, this.effectiveTags(securable))) continue;
        const what = `${policy.record.privileges.join(', ')} by tag policy "${policy.record.expression}"`;
        this.noteHolder(securable, granteeKey(policy.record.grantee), what);
      }
    }
    // By name, so the SQL built from them (and its cache) does not depend on storage order.
    for (const filter of [...records.filters].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const table: Securable = { kind: 'table', path: filter.table };
      push(this.filtersOn, securableKey(table), filter);
      for (const grantee of filter.grantees) {
        this.noteHolder(table, granteeKey(grantee), `data filter ${filter.name}`);
      }
    }
    for (const mask of records.masks) {
      const key = securableKey({ kind: 'table', path: mask.table });
      const columns = this.masksOn.get(key) ?? new Map<string, ColumnMaskRecord>();
      columns.set(mask.column, mask);
      this.masksOn.set(key, columns);
    }
  }

  grantsAt(securable: Securable): readonly HeldGrant[] {
    return this.grantsOn.get(securableKey(securable)) ?? [];
  }

  holdersAtOrBelow(securable: Securable): Holders | undefined {
    return this.holdersBelow.get(securableKey(securable));
  }

  columnsWithPolicy(table: readonly string[]): readonly Securable[] {
    return this.notableColumns.get(securableKey({ kind: 'table', path: table })) ?? [];
  }

  filtersOf(table: readonly string[]): readonly DataFilterRecord[] {
    return this.filtersOn.get(securableKey({ kind: 'table', path: table })) ?? [];
  }

  masksOf(table: readonly string[]): ReadonlyMap<string, ColumnMaskRecord> {
    return this.masksOn.get(securableKey({ kind: 'table', path: table })) ?? new Map();
  }

  /** Own tags over inherited ones: catalog → namespaces → table → column, nearest wins. */
  effectiveTags(securable: Securable): ReadonlyMap<string, string> {
    const key = securableKey(securable);
    const known = this.effective.get(key);
    if (known) return known;
    const parent = ancestorsOf(securable)[0];
    const inherited = parent === undefined ? NO_TAGS : this.effectiveTags(parent);
    const own = this.ownTags.get(key);
    const tags = own === undefined ? inherited : new Map([...inherited, ...own]);
    this.effective.set(key, tags);
    return tags;
  }

  private noteHolder(securable: Securable, grantee: string, what: string): void {
    for (const s of [securable, ...ancestorsOf(securable)]) {
      const key = securableKey(s);
      const holders = this.holdersBelow.get(key) ?? new Map<string, string>();
      if (!holders.has(grantee)) holders.set(grantee, what);
      this.holdersBelow.set(key, holders);
    }
  }

  private noteColumn(securable: Securable): void {
    if (securable.kind !== 'column') return;
    const key = securableKey({ kind: 'table', path: securable.path.slice(0, -1) });
    const list = this.notableColumns.get(key) ?? [];
    if (!list.some((c) => c.path.at(-1) === securable.path.at(-1))) list.push(securable);
    this.notableColumns.set(key, list);
  }
}

function describeRecord(grant: GrantRecord): string {
  return `${grant.privilege} on ${securableText(grant.securable)}`;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
