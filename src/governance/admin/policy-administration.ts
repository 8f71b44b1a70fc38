import type { Metastore } from '../../metastore/index.js';
import type {
  AuditLog,
  Authorizer,
  Caller,
  ColumnMaskInfo,
  DataFilterInfo,
  GrantInfo,
  Grantee,
  PolicyAdmin,
  Privilege,
  Securable,
  SecurableDirectory,
  TagInfo,
  TagKeyInfo,
  TagPolicyInfo,
} from '../contract.js';
import type { AdminDeps } from './admin-deps.js';
import type { ColumnMaskInput } from './column-masks.js';
import { columnPolicies } from './column-policies.js';
import { deleteColumnMask, listColumnMasks, setColumnMask } from './column-masks.js';
import type { DataFilterInput } from './data-filters.js';
import {
  createDataFilter,
  deleteDataFilter,
  grantDataFilter,
  listDataFilters,
  revokeDataFilter,
} from './data-filters.js';
import type { GrantInput } from './grants.js';
import { grant, listGrants, revoke } from './grants.js';
import { dropped, recordOwner, renamed, setOwner } from './owners.js';
import { assignTag, listTags, unassignTag } from './tag-assignments.js';
import { createTagKey, deleteTagKey, listTagKeys, updateTagKey } from './tag-keys.js';
import { createTagPolicy, deleteTagPolicy, listTagPolicies } from './tag-policies.js';

/**
 * PolicyAdmin over the metastore: each change is validated, authorized, written
 * with a policy-version bump in one transaction, and audited. The rules of each
 * area live in their own module; this class only wires them to the contract.
 */
export class PolicyAdministration implements PolicyAdmin {
  readonly #deps: AdminDeps;
  readonly #onShownChange: ((securable: Securable) => Promise<void>) | undefined;

  constructor(
    metastore: Metastore,
    options: {
      authorizer: Authorizer;
      audit: Pick<AuditLog, 'record'>;
      securables: SecurableDirectory;
      /** Told after a tag or an owner changed (the search index shows both). */
      onShownChange?: (securable: Securable) => Promise<void>;
    },
  ) {
    const { onShownChange, ...deps } = options;
    this.#deps = { metastore, ...deps };
    this.#onShownChange = onShownChange;
  }

  grant(caller: Caller, input: GrantInput): Promise<GrantInfo[]> {
    return grant(this.#deps, caller, input);
  }

  revoke(
    caller: Caller,
    input: { privileges: Privilege[]; securable: Securable; grantee: Grantee },
  ): Promise<number> {
    return revoke(this.#deps, caller, input);
  }

  listGrants(
    caller: Caller,
    filter?: { securable?: Securable; grantee?: Grantee },
  ): Promise<GrantInfo[]> {
    return listGrants(this.#deps, caller, filter);
  }

  async setOwner(caller: Caller, securable: Securable, owner: Grantee): Promise<void> {
    await setOwner(this.#deps, caller, securable, owner);
    await this.#onShownChange?.(securable);
  }

  recordOwner(securable: Securable, owner: Grantee, by: string): Promise<void> {
    return recordOwner(this.#deps, securable, owner, by);
  }

  renamed(from: string[], to: string[]): Promise<void> {
    return renamed(this.#deps, from, to);
  }

  dropped(path: string[]): Promise<void> {
    return dropped(this.#deps, path);
  }

  createTagKey(
    caller: Caller,
    input: { key: string; allowedValues: string[]; description?: string },
  ): Promise<TagKeyInfo> {
    return createTagKey(this.#deps, caller, input);
  }

  updateTagKey(
    caller: Caller,
    key: string,
    patch: { addValues?: string[]; removeValues?: string[]; description?: string | null },
  ): Promise<TagKeyInfo> {
    return updateTagKey(this.#deps, caller, key, patch);
  }

  deleteTagKey(caller: Caller, key: string): Promise<void> {
    return deleteTagKey(this.#deps, caller, key);
  }

  listTagKeys(_caller: Caller): Promise<TagKeyInfo[]> {
    return listTagKeys(this.#deps);
  }

  async assignTag(
    caller: Caller,
    securable: Securable,
    key: string,
    value: string,
  ): Promise<TagInfo> {
    const assigned = await assignTag(this.#deps, caller, securable, key, value);
    await this.#onShownChange?.(securable);
    return assigned;
  }

  async unassignTag(caller: Caller, securable: Securable, key: string): Promise<void> {
    await unassignTag(this.#deps, caller, securable, key);
    await this.#onShownChange?.(securable);
  }

  listTags(caller: Caller, securable?: Securable): Promise<TagInfo[]> {
    return listTags(this.#deps, caller, securable);
  }

  createTagPolicy(
    caller: Caller,
    input: {
      expression: string;
      privileges: Privilege[];
      grantee: Grantee;
      withGrantOption?: boolean;
    },
  ): Promise<TagPolicyInfo> {
    return createTagPolicy(this.#deps, caller, input);
  }

  deleteTagPolicy(caller: Caller, id: string): Promise<void> {
    return deleteTagPolicy(this.#deps, caller, id);
  }

  listTagPolicies(caller: Caller): Promise<TagPolicyInfo[]> {
    return listTagPolicies(this.#deps, caller);
  }

  createDataFilter(caller: Caller, input: DataFilterInput): Promise<DataFilterInfo> {
    return createDataFilter(this.#deps, caller, input);
  }

  grantDataFilter(
    caller: Caller,
    table: string[],
    name: string,
    grantee: Grantee,
  ): Promise<DataFilterInfo> {
    return grantDataFilter(this.#deps, caller, table, name, grantee);
  }

  revokeDataFilter(
    caller: Caller,
    table: string[],
    name: string,
    grantee: Grantee,
  ): Promise<DataFilterInfo> {
    return revokeDataFilter(this.#deps, caller, table, name, grantee);
  }

  deleteDataFilter(caller: Caller, table: string[], name: string): Promise<void> {
    return deleteDataFilter(this.#deps, caller, table, name);
  }

  listDataFilters(caller: Caller, table?: string[]): Promise<DataFilterInfo[]> {
    return listDataFilters(this.#deps, caller, table);
  }

  setColumnMask(caller: Caller, input: ColumnMaskInput): Promise<ColumnMaskInfo> {
    return setColumnMask(this.#deps, caller, input);
  }

  deleteColumnMask(caller: Caller, table: string[], column: string): Promise<void> {
    return deleteColumnMask(this.#deps, caller, table, column);
  }

  listColumnMasks(caller: Caller, table?: string[]): Promise<ColumnMaskInfo[]> {
    return listColumnMasks(this.#deps, caller, table);
  }

  columnPolicies(table: string[], column: string): Promise<string[]> {
    return columnPolicies(this.#deps, table, column);
  }
}
