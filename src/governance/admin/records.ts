import type {
  ColumnMaskRecord,
  DataFilterRecord,
  GrantRecord,
  TagKeyRecord,
  TagPolicyRecord,
} from '../../metastore/index.js';
import type {
  ColumnMaskInfo,
  DataFilterInfo,
  GrantInfo,
  MaskFunction,
  Privilege,
  TagKeyInfo,
  TagPolicyInfo,
} from '../contract.js';

/** Stored rows as the API shows them; the stored names were checked when written. */
export function grantInfo(r: GrantRecord): GrantInfo {
  return {
    id: r.id,
    securable: { kind: r.securable.kind, path: r.securable.path },
    privilege: r.privilege as Privilege | 'OWNER',
    grantee: r.grantee,
    withGrantOption: r.withGrantOption,
    grantedBy: r.grantedBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export function tagKeyInfo(r: TagKeyRecord): TagKeyInfo {
  return {
    key: r.key,
    allowedValues: r.allowedValues,
    description: r.description,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export function tagPolicyInfo(r: TagPolicyRecord): TagPolicyInfo {
  return {
    id: r.id,
    expression: r.expression,
    privileges: r.privileges as Privilege[],
    grantee: r.grantee,
    withGrantOption: r.withGrantOption,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export function dataFilterInfo(r: DataFilterRecord): DataFilterInfo {
  return {
    id: r.id,
    name: r.name,
    table: r.table,
    rowPredicate: r.rowPredicate,
    columnMode: r.columnMode,
    columns: r.columns,
    grantees: r.grantees,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export function columnMaskInfo(r: ColumnMaskRecord): ColumnMaskInfo {
  return {
    id: r.id,
    table: r.table,
    column: r.column,
    function: r.function as MaskFunction,
    expression: r.expression,
    exempt: r.exempt,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}
