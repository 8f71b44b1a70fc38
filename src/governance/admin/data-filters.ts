import { parsePredicate } from '../../engine/index.js';
import { AlreadyExists, InvalidInput, NotFound } from '../../errors/index.js';
import type { DataFilterRecord } from '../../metastore/index.js';
import type { Caller, DataFilterInfo, Grantee } from '../contract.js';
import { dottedName } from '../policy/securable.js';
import { requireTablePolicyRight } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { distinctGrantees, granteeText, requireGrantees, sameGrantee } from './grantees.js';
import { requireIdentifier } from './identifiers.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { dataFilterInfo } from './records.js';
import { describable, requireDescribable, samePath, tableSecurable } from './securables.js';
import { columnNamed } from './table-columns.js';

export interface DataFilterInput {
  name: string;
  table: string[];
  rowPredicate?: string;
  includeColumns?: string[];
  excludeColumns?: string[];
  grantees?: Grantee[];
}

function columnChoice(input: DataFilterInput): {
  mode: DataFilterRecord['columnMode'];
  names: string[];
} {
  const include = input.includeColumns ?? [];
  const exclude = input.excludeColumns ?? [];
  if (include.length > 0 && exclude.length > 0) {
    throw new InvalidInput(
      'FILTER_COLUMNS_CONFLICT',
      'A data filter either includes or excludes columns, not both.',
      {
        hint: 'Give only --include-columns (the columns it shows) or only --exclude-columns (the columns it hides).',
      },
    );
  }
  if (include.length > 0) return { mode: 'include', names: include };
  if (exclude.length > 0) return { mode: 'exclude', names: exclude };
  return { mode: 'all', names: [] };
}

async function filterNamed(
  deps: AdminDeps,
  table: string[],
  name: string,
): Promise<DataFilterRecord> {
  const filters = await deps.metastore.dataPolicies.listFilters();
  const found = filters.find((f) => samePath(f.table, table) && f.name === name);
  if (found !== undefined) return found;
  throw new NotFound(
    'FILTER_NOT_FOUND',
    `The table ${dottedName(table)} has no data filter "${name}".`,
    {
      hint: `lakeward filters list ${dottedName(table)} shows its filters.`,
    },
  );
}

export async function createDataFilter(
  deps: AdminDeps,
  caller: Caller,
  input: DataFilterInput,
): Promise<DataFilterInfo> {
  requireIdentifier('data filter name', 'INVALID_FILTER_NAME', input.name);
  const choice = columnChoice(input);
  await requireTablePolicyRight(deps, caller, 'filter.create', input.table);
  const columns = await deps.securables.columns(input.table);
  const names = [...new Set(choice.names.map((n) => columnNamed(input.table, columns, n).name))];
  const predicateText = input.rowPredicate?.trim() ?? '';
  const rowPredicate =
    predicateText === ''
      ? null
      : (
          await parsePredicate(
            predicateText,
            columns.map((c) => c.name),
            { callerFunctions: true },
          )
        ).sql;
  const grantees = distinctGrantees(input.grantees ?? []);
  await requireGrantees(deps.metastore, grantees);
  const taken = (await deps.metastore.dataPolicies.listFilters()).some(
    (f) => samePath(f.table, input.table) && f.name === input.name,
  );
  if (taken) {
    throw new AlreadyExists(
      'FILTER_ALREADY_EXISTS',
      `The table ${dottedName(input.table)} already has a data filter "${input.name}".`,
      {
        hint: 'Choose another name, or delete the existing filter first.',
      },
    );
  }
  const created = await commitChange(deps, (tx) =>
    tx.dataPolicies.createFilter({
      name: input.name,
      table: input.table,
      rowPredicate,
      columnMode: choice.mode,
      columns: names,
      grantees,
      createdBy: caller.principal.name,
    }),
  );
  const rows = rowPredicate ?? 'all rows';
  const cells = choice.mode === 'all' ? 'all columns' : `${choice.mode} ${names.join(', ')}`;
  await recordAllowed(
    deps,
    caller,
    'filter.create',
    tableSecurable(input.table),
    `${input.name}: ${rows}; ${cells}`,
  );
  return dataFilterInfo(created);
}

async function changeGrantees(
  deps: AdminDeps,
  caller: Caller,
  action: 'filter.grant' | 'filter.revoke',
  table: string[],
  name: string,
  grantee: Grantee,
): Promise<DataFilterInfo> {
  await requireTablePolicyRight(deps, caller, action, table);
  const filter = await filterNamed(deps, table, name);
  if (action === 'filter.grant') await requireGrantees(deps.metastore, [grantee]);
  const others = filter.grantees.filter((g) => !sameGrantee(g, grantee));
  const grantees =
    action === 'filter.grant' ? [...others, { kind: grantee.kind, name: grantee.name }] : others;
  const updated = await commitChange(deps, (tx) =>
    tx.dataPolicies.updateFilter(filter.id, { grantees }),
  );
  const direction = action === 'filter.grant' ? 'to' : 'from';
  await recordAllowed(
    deps,
    caller,
    action,
    tableSecurable(table),
    `${name} ${direction} ${granteeText(grantee)}`,
  );
  return dataFilterInfo(updated);
}

export function grantDataFilter(
  deps: AdminDeps,
  caller: Caller,
  table: string[],
  name: string,
  grantee: Grantee,
): Promise<DataFilterInfo> {
  return changeGrantees(deps, caller, 'filter.grant', table, name, grantee);
}

/** Revoking from someone who does not hold the filter leaves it as it is. */
export function revokeDataFilter(
  deps: AdminDeps,
  caller: Caller,
  table: string[],
  name: string,
  grantee: Grantee,
): Promise<DataFilterInfo> {
  return changeGrantees(deps, caller, 'filter.revoke', table, name, grantee);
}

export async function deleteDataFilter(
  deps: AdminDeps,
  caller: Caller,
  table: string[],
  name: string,
): Promise<void> {
  await requireTablePolicyRight(deps, caller, 'filter.delete', table);
  const filter = await filterNamed(deps, table, name);
  await commitChange(deps, (tx) => tx.dataPolicies.deleteFilter(filter.id));
  await recordAllowed(deps, caller, 'filter.delete', tableSecurable(table), name);
}

/** Filters on tables the caller may DESCRIBE, optionally of one table. */
export async function listDataFilters(
  deps: AdminDeps,
  caller: Caller,
  table?: string[],
): Promise<DataFilterInfo[]> {
  if (table !== undefined) await requireDescribable(deps, caller.principal, tableSecurable(table));
  const all = await deps.metastore.dataPolicies.listFilters();
  const narrowed = table === undefined ? all : all.filter((f) => samePath(f.table, table));
  const shown = await describable(deps, caller.principal, narrowed, (f) => tableSecurable(f.table));
  return shown
    .map(dataFilterInfo)
    .sort(
      (a, b) =>
        dottedName(a.table).localeCompare(dottedName(b.table)) || a.name.localeCompare(b.name),
    );
}
