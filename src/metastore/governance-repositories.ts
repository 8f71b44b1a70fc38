/**
 * Repository contracts of the governance tables (migration 0002_governance). Paths of
 * securables are arrays of names; they are stored as JSON text and compared exactly.
 */

/** Who a grant, filter or mask is for. */
export interface GranteeRecord {
  kind: 'principal' | 'group';
  name: string;
}

export interface GroupRecord {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

export interface GroupMemberRecord {
  groupName: string;
  member: GranteeRecord;
}

export interface GroupRepository {
  create(g: { name: string; description?: string | null }): Promise<GroupRecord>;
  getByName(name: string): Promise<GroupRecord | undefined>;
  list(): Promise<GroupRecord[]>;
  /** Deletes the group and its memberships (as member and as container). */
  delete(name: string): Promise<void>;
  addMember(groupName: string, member: GranteeRecord): Promise<void>;
  removeMember(groupName: string, member: GranteeRecord): Promise<void>;
  /** Every membership row of every group (the policy snapshot resolves nesting in memory). */
  listMemberships(): Promise<GroupMemberRecord[]>;
}

export type SecurableKindRecord = 'catalog' | 'namespace' | 'table' | 'volume' | 'column';

export interface SecurableRecord {
  kind: SecurableKindRecord;
  /** catalog: []; namespace: levels; table/volume: namespace levels + name; column: table path + column. */
  path: string[];
}

export interface GrantRecord {
  id: string;
  securable: SecurableRecord;
  /** A privilege name, or 'OWNER' for ownership. */
  privilege: string;
  grantee: GranteeRecord;
  withGrantOption: boolean;
  grantedBy: string;
  createdAt: Date;
}

export interface GrantRepository {
  /** Idempotent on (securable, privilege, grantee): a repeated grant updates withGrantOption. */
  upsert(g: Omit<GrantRecord, 'id' | 'createdAt'>): Promise<GrantRecord>;
  delete(id: string): Promise<void>;
  list(): Promise<GrantRecord[]>;
  /** Grants on the securable exactly (not its children). */
  listOn(securable: SecurableRecord): Promise<GrantRecord[]>;
}

export interface TagKeyRecord {
  key: string;
  allowedValues: string[];
  description: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface TagAssignmentRecord {
  securable: SecurableRecord;
  key: string;
  value: string;
  assignedBy: string;
  assignedAt: Date;
}

export interface TagPolicyRecord {
  id: string;
  /** e.g. "domain=marketing AND sensitivity IN (public, internal)". */
  expression: string;
  privileges: string[];
  grantee: GranteeRecord;
  withGrantOption: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface TagRepository {
  createKey(k: Omit<TagKeyRecord, 'createdAt'>): Promise<TagKeyRecord>;
  updateKey(
    key: string,
    patch: { allowedValues?: string[]; description?: string | null },
  ): Promise<TagKeyRecord>;
  getKey(key: string): Promise<TagKeyRecord | undefined>;
  listKeys(): Promise<TagKeyRecord[]>;
  /** Deletes the key with its assignments; policies naming it are the caller's to check. */
  deleteKey(key: string): Promise<void>;
  /** One value per key per securable: assigning again replaces the value. */
  assign(a: Omit<TagAssignmentRecord, 'assignedAt'>): Promise<TagAssignmentRecord>;
  unassign(securable: SecurableRecord, key: string): Promise<void>;
  listAssignments(): Promise<TagAssignmentRecord[]>;
  createPolicy(p: Omit<TagPolicyRecord, 'id' | 'createdAt'>): Promise<TagPolicyRecord>;
  deletePolicy(id: string): Promise<void>;
  listPolicies(): Promise<TagPolicyRecord[]>;
}

export interface DataFilterRecord {
  id: string;
  name: string;
  /** The table's path: namespace levels + table name. */
  table: string[];
  /** SQL boolean over the table's columns; null admits every row. */
  rowPredicate: string | null;
  columnMode: 'all' | 'include' | 'exclude';
  columns: string[];
  grantees: GranteeRecord[];
  createdBy: string;
  createdAt: Date;
}

export interface ColumnMaskRecord {
  id: string;
  table: string[];
  column: string;
  /** MASK, MASK_SHOW_LAST_4, MASK_SHOW_FIRST_4, MASK_HASH, MASK_NULL, MASK_DATE_SHOW_YEAR or CUSTOM. */
  function: string;
  /** The SQL expression of a CUSTOM mask; null otherwise. */
  expression: string | null;
  exempt: GranteeRecord[];
  createdBy: string;
  createdAt: Date;
}

export interface DataPolicyRepository {
  /** Unique by (table, name). */
  createFilter(f: Omit<DataFilterRecord, 'id' | 'createdAt'>): Promise<DataFilterRecord>;
  updateFilter(id: string, patch: { grantees?: GranteeRecord[] }): Promise<DataFilterRecord>;
  deleteFilter(id: string): Promise<void>;
  listFilters(): Promise<DataFilterRecord[]>;
  /** One mask per column: setting again replaces it. */
  setMask(m: Omit<ColumnMaskRecord, 'id' | 'createdAt'>): Promise<ColumnMaskRecord>;
  deleteMask(id: string): Promise<void>;
  listMasks(): Promise<ColumnMaskRecord[]>;
}

/**
 * Rewrites the path of every grant, tag assignment, filter and mask on or below
 * `from` to `to` (a renamed namespace or table), or deletes them (a dropped one).
 * Both run in the caller's transaction when called on a transaction's repositories.
 */
export interface SecurablePathRepository {
  rename(from: string[], to: string[]): Promise<void>;
  forget(path: string[]): Promise<void>;
}

/** One link of the hash chain, as stored. */
export interface AuditEventRecord {
  seq: number;
  eventId: string;
  at: Date;
  principal: string | null;
  action: string;
  resource: string | null;
  decision: 'allow' | 'deny' | 'error';
  /** The whole event as canonical JSON: what the hash covers. */
  event: string;
  prevHash: string;
  hash: string;
}

export interface AuditChainHead {
  /** Last appended seq (0 when empty). */
  lastSeq: number;
  lastHash: string;
  /** After retention removed events: the seq and hash of the last removed one. */
  anchorSeq: number;
  anchorHash: string;
}

export interface AuditQuery {
  fromSeq?: number;
  since?: Date;
  until?: Date;
  principal?: string;
  action?: string;
  decision?: 'allow' | 'deny' | 'error';
  limit?: number;
}

export interface AuditRepository {
  /**
   * Appends under a lock on the chain head: build(head) computes the next record from
   * the current head, so concurrent writers (several servers on one PostgreSQL) chain
   * correctly.
   */
  append(
    build: (head: AuditChainHead) => Omit<AuditEventRecord, 'seq'> & { seq: number },
  ): Promise<AuditEventRecord>;
  head(): Promise<AuditChainHead>;
  /** In seq order. */
  list(query: AuditQuery): Promise<AuditEventRecord[]>;
  /** Deletes events older than `before` and moves the anchor to the last deleted one. */
  purgeBefore(before: Date): Promise<number>;
}

/** A counter bumped by every policy change, so every server knows its cached policy is stale. */
export interface PolicyVersionRepository {
  current(): Promise<number>;
  bump(): Promise<number>;
}
