/**
 * The governance contracts: who is calling, what they may do, and the record of it.
 * Semantics: DESIGN.md, "Semantics to copy". Services and edges depend on these
 * interfaces; app.ts wires the implementations.
 */

export const PRIVILEGES = [
  'USAGE',
  'DESCRIBE',
  'SELECT',
  'INSERT',
  'MODIFY',
  'CREATE_TABLE',
  'CREATE_NAMESPACE',
  'ALTER',
  'DROP',
  'MANAGE_GRANTS',
  'APPLY_TAG',
  'READ_AUDIT',
  'CREATE_EXTERNAL_TABLE',
  'READ_VOLUME',
  'WRITE_VOLUME',
  'CREATE_VOLUME',
] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export const MASK_FUNCTIONS = [
  'MASK',
  'MASK_SHOW_LAST_4',
  'MASK_SHOW_FIRST_4',
  'MASK_HASH',
  'MASK_NULL',
  'MASK_DATE_SHOW_YEAR',
  'CUSTOM',
] as const;
export type MaskFunction = (typeof MASK_FUNCTIONS)[number];

/** Every principal is a member of this group, implicitly; it cannot be created or deleted. */
export const ALL_USERS_GROUP = 'all_users';

/** Who is calling: the outcome of authentication, passed to every use case. */
export interface Principal {
  id: string;
  name: string;
  kind: 'user' | 'service';
  isAdmin: boolean;
  /** How the caller proved who they are. */
  authMethod: 'token' | 'local' | 'oidc';
  /**
   * Groups an identity provider asserted for this session (the OIDC groups claim),
   * by Lakeward group name; they count like memberships for this session only.
   */
  externalGroups?: string[];
}

/** Where a call came from, for the audit log. */
export interface RequestContext {
  channel: 'api' | 'cli' | 'sql' | 'internal';
  requestId?: string;
  sourceAddress?: string;
  userAgent?: string;
}

/** A principal making one request: what every governed use case takes first. */
export interface Caller {
  principal: Principal;
  context: RequestContext;
}

export type SecurableKind = 'catalog' | 'namespace' | 'table' | 'volume' | 'column';

/**
 * Something privileges are granted on. path: catalog []; namespace its levels
 * (['gold', 'revenue']); table or volume the namespace levels plus its name; column
 * the table's path plus the column name.
 */
export interface Securable {
  kind: SecurableKind;
  path: string[];
}

export interface Grantee {
  kind: 'principal' | 'group';
  name: string;
}

/** Why something is allowed or applied: one line of `access explain`. */
export interface Source {
  type: 'admin' | 'owner' | 'grant' | 'tag_policy' | 'data_filter' | 'column_mask';
  /** Id of the grant, tag policy, filter or mask. */
  id?: string;
  /** e.g. 'SELECT on namespace gold.revenue to group marketing_team (member via analysts)'. */
  description: string;
}

export interface Decision {
  allowed: boolean;
  privilege: Privilege;
  securable: Securable;
  /** Why: the first source when allowed; what is missing when denied. */
  reason: string;
  sources: Source[];
}

/** A column as governance needs to know it: name and Iceberg type string ('string', 'date' …). */
export interface ColumnShape {
  name: string;
  type: string;
}

/** What one caller may read of one table, ready for the engine (see engine ResolvedTable). */
export interface ReadPolicy {
  allowed: boolean;
  /** When denied: what is missing. When allowed: a one-line summary for the audit log. */
  reason: string;
  /** Visible columns in table order; all columns when undefined. */
  columns?: string[];
  /** SQL boolean over the table's raw columns (caller functions already bound). */
  rowFilter?: string;
  /** SQL expression per visible column that replaces its value (masks, cells outside filters). */
  masks?: Record<string, string>;
  /** Names for the audit record: grants and tag policies used, filters and masks applied. */
  applied: { grants: string[]; filters: string[]; masks: string[] };
  sources: Source[];
}

export interface AccessExplanation {
  principal: string;
  /** Every group the principal is in, transitively (with all_users). */
  groups: string[];
  securable: Securable;
  privileges: { privilege: Privilege; allowed: boolean; reason: string; sources: Source[] }[];
  /** For tables: the read policy (columns, filter, masks) and where each part comes from. */
  read?: ReadPolicy;
}

/**
 * The pure decision (DESIGN.md: "decide(principal, action, resource)") over an
 * in-memory snapshot of the policy, refreshed when the policy version changes.
 * Fails closed: an error while deciding is a deny.
 */
export interface Authorizer {
  decide(principal: Principal, privilege: Privilege, securable: Securable): Promise<Decision>;
  /**
   * decide(), and on deny throws: NotFound (the same error as a missing object) when
   * the caller may not DESCRIBE the securable, PermissionDenied otherwise.
   */
  require(principal: Principal, privilege: Privilege, securable: Securable): Promise<Decision>;
  /**
   * May the principal grant (or revoke) the privilege on the securable: an admin, its
   * owner (or an ancestor's), MANAGE_GRANTS on it or an ancestor, or a grant of the
   * privilege itself with grant option.
   */
  canGrant(principal: Principal, privilege: Privilege, securable: Securable): Promise<Decision>;
  /** DESCRIBE for many securables against one snapshot (listings, search). */
  visible(principal: Principal, securables: Securable[]): Promise<boolean[]>;
  /** The table as the caller may read it; columns are the table's top-level columns. */
  readPolicy(principal: Principal, table: string[], columns: ColumnShape[]): Promise<ReadPolicy>;
  explain(
    principal: Principal,
    securable: Securable,
    columns?: ColumnShape[],
  ): Promise<AccessExplanation>;
  /** The principal's groups, transitively, including all_users and its external groups. */
  groupsOf(principal: Principal): Promise<string[]>;
  /** Forget the cached policy now (this process changed it). */
  invalidate(): void;
}

// --- audit ---

export interface AuditEventInput {
  /** Absent when the caller could not be authenticated. */
  caller?: Caller;
  /** Where an unauthenticated call came from (source address, user agent); caller.context otherwise. */
  context?: RequestContext;
  /** e.g. 'query', 'table.create', 'grant', 'http GET /api/v1/tables/:table', 'cli table drop'. */
  action: string;
  /** e.g. 'table:gold.revenue.monthly'. */
  resource?: string;
  columns?: string[];
  decision: 'allow' | 'deny' | 'error';
  reason?: string;
  policies?: { grants?: string[]; filters?: string[]; masks?: string[] };
  /** The SQL as sent; the log keeps it with literals redacted, plus the SHA-256 of the original. */
  queryText?: string;
  rowsReturned?: number;
  bytesScanned?: number;
  durationMs?: number;
  snapshots?: { table: string; snapshotId: string | null }[];
  /** HTTP status or CLI exit code, for edge events. */
  status?: number;
}

export interface AuditEvent {
  seq: number;
  eventId: string;
  time: string;
  principal: { id: string; name: string; kind: string } | null;
  groups: string[];
  authMethod: string | null;
  channel: string | null;
  sourceAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  action: string;
  resource: string | null;
  columns: string[];
  decision: 'allow' | 'deny' | 'error';
  reason: string | null;
  policies: { grants: string[]; filters: string[]; masks: string[] };
  queryText: string | null;
  querySha256: string | null;
  rowsReturned: number | null;
  bytesScanned: number | null;
  durationMs: number | null;
  snapshots: { table: string; snapshotId: string | null }[];
  status: number | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  fromSeq?: number;
  since?: Date;
  until?: Date;
  principal?: string;
  action?: string;
  decision?: 'allow' | 'deny' | 'error';
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Events whose link was checked. */
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The first broken link: its seq and what is wrong with it. */
  firstBroken?: { seq: number; reason: string };
}

export interface AuditLog {
  record(input: AuditEventInput): Promise<AuditEvent>;
  /** Walks every link from the anchor to the head. */
  verify(): Promise<AuditVerification>;
  /** Needs READ_AUDIT on the catalog; reading is itself audited. */
  query(caller: Caller, filter: AuditFilter): Promise<AuditEvent[]>;
  /** The same as query(), one JSON object per line. Needs READ_AUDIT; audited. */
  exportNdjson(caller: Caller, filter: AuditFilter): AsyncIterable<string>;
  /** Removes events older than the retention setting; returns how many. */
  applyRetention(now?: Date): Promise<number>;
}

// --- identity ---

export interface IssuedToken {
  /** Shown once; only its salted hash is stored. */
  token: string;
  id: string;
  name: string;
  expiresAt: string | null;
}

/** A token as listed: never its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Authenticator {
  /** Creates the admin principal and its first token on a new home; AlreadyExists if there is one. */
  bootstrapAdmin(name?: string): Promise<{ principal: Principal; token: IssuedToken }>;
  /** Verifies `Authorization: Bearer <token>` (an API token, or an OIDC JWT when configured). */
  authenticate(bearerToken: string | undefined): Promise<Principal>;
  /** The principal the CLI acts as when it works directly on a home (the local admin). */
  localAdmin(): Promise<Principal>;
  issueToken(principalId: string, name: string, expiresAt?: Date): Promise<IssuedToken>;
  revokeToken(tokenId: string): Promise<void>;
  /** The principal's tokens, newest first. */
  listTokens(principalId: string): Promise<TokenInfo[]>;
}

export interface PrincipalInfo {
  id: string;
  name: string;
  kind: 'user' | 'service';
  isAdmin: boolean;
  /** Groups it is a direct member of. */
  groups: string[];
  createdAt: string;
}

export interface GroupInfo {
  name: string;
  description: string | null;
  /** Direct members. */
  members: Grantee[];
  createdAt: string;
}

/**
 * Users, service accounts, groups and tokens. Managing principals and groups needs
 * an admin or MANAGE_GRANTS on the catalog (admins only for admins); a principal
 * manages its own tokens, and only an admin issues or revokes another's.
 */
export interface Directory {
  whoami(caller: Caller): Promise<PrincipalInfo & { allGroups: string[]; authMethod: string }>;
  createPrincipal(
    caller: Caller,
    input: { name: string; kind: 'user' | 'service'; isAdmin?: boolean },
  ): Promise<PrincipalInfo>;
  /**
   * Removes its tokens (they stop working at once), memberships and grants; refused
   * while it owns anything, so a later principal of the same name inherits nothing.
   */
  deletePrincipal(caller: Caller, name: string): Promise<void>;
  listPrincipals(caller: Caller): Promise<PrincipalInfo[]>;
  createGroup(caller: Caller, input: { name: string; description?: string }): Promise<GroupInfo>;
  deleteGroup(caller: Caller, name: string): Promise<void>;
  listGroups(caller: Caller): Promise<GroupInfo[]>;
  /** A group may contain groups; a membership that would make a cycle is refused. */
  addMember(caller: Caller, group: string, member: Grantee): Promise<GroupInfo>;
  removeMember(caller: Caller, group: string, member: Grantee): Promise<GroupInfo>;
  /** principal defaults to the caller. */
  issueToken(
    caller: Caller,
    input: { principal?: string; name: string; expiresAt?: Date },
  ): Promise<IssuedToken>;
  listTokens(caller: Caller, principal?: string): Promise<TokenInfo[]>;
  revokeToken(caller: Caller, tokenId: string): Promise<void>;
}

// --- policy administration ---

export interface GrantInfo {
  id: string;
  securable: Securable;
  privilege: Privilege | 'OWNER';
  grantee: Grantee;
  withGrantOption: boolean;
  grantedBy: string;
  createdAt: string;
}

export interface TagKeyInfo {
  key: string;
  allowedValues: string[];
  description: string | null;
  createdBy: string;
  createdAt: string;
}

export interface TagInfo {
  securable: Securable;
  key: string;
  value: string;
  /** Where the value comes from: the securable itself or the ancestor it inherits from. */
  inheritedFrom: Securable | null;
}

export interface TagPolicyInfo {
  id: string;
  expression: string;
  privileges: Privilege[];
  grantee: Grantee;
  withGrantOption: boolean;
  createdBy: string;
  createdAt: string;
}

export interface DataFilterInfo {
  id: string;
  name: string;
  table: string[];
  rowPredicate: string | null;
  columnMode: 'all' | 'include' | 'exclude';
  columns: string[];
  grantees: Grantee[];
  createdBy: string;
  createdAt: string;
}

export interface ColumnMaskInfo {
  id: string;
  table: string[];
  column: string;
  function: MaskFunction;
  expression: string | null;
  exempt: Grantee[];
  createdBy: string;
  createdAt: string;
}

/**
 * What the catalog tells governance about securables: existence (grants on missing
 * objects are refused) and table columns (filters and masks are checked against
 * them). The catalog implements it; app.ts wires it.
 */
export interface SecurableDirectory {
  exists(securable: Securable): Promise<boolean>;
  /** NotFound when the table does not exist. */
  columns(table: string[]): Promise<ColumnShape[]>;
}

/**
 * Grants, ownership, tags, tag policies, data filters and column masks. Changing
 * grants on S needs MANAGE_GRANTS on S (or ownership, or the grant option for the
 * privilege); tags need APPLY_TAG; filters and masks need MANAGE_GRANTS on the
 * table. Every change is audited and bumps the policy version.
 */
export interface PolicyAdmin {
  grant(
    caller: Caller,
    input: {
      privileges: Privilege[];
      securable: Securable;
      grantee: Grantee;
      withGrantOption?: boolean;
    },
  ): Promise<GrantInfo[]>;
  /** Returns how many grants were removed; revoking what was never granted is not an error. */
  revoke(
    caller: Caller,
    input: { privileges: Privilege[]; securable: Securable; grantee: Grantee },
  ): Promise<number>;
  /** Grants the caller may see (on securables it may DESCRIBE), optionally narrowed. */
  listGrants(
    caller: Caller,
    filter?: { securable?: Securable; grantee?: Grantee },
  ): Promise<GrantInfo[]>;
  /** Makes grantee the owner (replacing the previous owner). */
  setOwner(caller: Caller, securable: Securable, owner: Grantee): Promise<void>;
  /** Recorded by use cases that create securables: the creator owns them. No check. */
  recordOwner(securable: Securable, owner: Grantee, by: string): Promise<void>;
  /** Catalog hooks: grants, tags, filters and masks follow a rename; a drop removes them. */
  renamed(from: string[], to: string[]): Promise<void>;
  dropped(path: string[]): Promise<void>;

  createTagKey(
    caller: Caller,
    input: { key: string; allowedValues: string[]; description?: string },
  ): Promise<TagKeyInfo>;
  updateTagKey(
    caller: Caller,
    key: string,
    patch: { addValues?: string[]; removeValues?: string[]; description?: string | null },
  ): Promise<TagKeyInfo>;
  deleteTagKey(caller: Caller, key: string): Promise<void>;
  listTagKeys(caller: Caller): Promise<TagKeyInfo[]>;
  assignTag(caller: Caller, securable: Securable, key: string, value: string): Promise<TagInfo>;
  unassignTag(caller: Caller, securable: Securable, key: string): Promise<void>;
  /** Effective tags of the securable (own and inherited), or every assignment when omitted. */
  listTags(caller: Caller, securable?: Securable): Promise<TagInfo[]>;
  createTagPolicy(
    caller: Caller,
    input: {
      expression: string;
      privileges: Privilege[];
      grantee: Grantee;
      withGrantOption?: boolean;
    },
  ): Promise<TagPolicyInfo>;
  deleteTagPolicy(caller: Caller, id: string): Promise<void>;
  listTagPolicies(caller: Caller): Promise<TagPolicyInfo[]>;

  createDataFilter(
    caller: Caller,
    input: {
      name: string;
      table: string[];
      rowPredicate?: string;
      includeColumns?: string[];
      excludeColumns?: string[];
      grantees?: Grantee[];
    },
  ): Promise<DataFilterInfo>;
  grantDataFilter(
    caller: Caller,
    table: string[],
    name: string,
    grantee: Grantee,
  ): Promise<DataFilterInfo>;
  revokeDataFilter(
    caller: Caller,
    table: string[],
    name: string,
    grantee: Grantee,
  ): Promise<DataFilterInfo>;
  deleteDataFilter(caller: Caller, table: string[], name: string): Promise<void>;
  listDataFilters(caller: Caller, table?: string[]): Promise<DataFilterInfo[]>;

  setColumnMask(
    caller: Caller,
    input: {
      table: string[];
      column: string;
      function: MaskFunction;
      expression?: string;
      exempt?: Grantee[];
    },
  ): Promise<ColumnMaskInfo>;
  deleteColumnMask(caller: Caller, table: string[], column: string): Promise<void>;
  listColumnMasks(caller: Caller, table?: string[]): Promise<ColumnMaskInfo[]>;
  /**
   * Every mask, filter, grant and tag that refers to the column by name, in words; for
   * the catalog, which refuses a rename that would detach them. No check, no event.
   */
  columnPolicies(table: string[], column: string): Promise<string[]>;
}
