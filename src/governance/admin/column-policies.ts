import { dottedName } from '../policy/securable.js';
import type { AdminDeps } from './admin-deps.js';
import { granteeText } from './grantees.js';
import { samePath } from './securables.js';

/**
 * Every policy that refers to one column of a table, in words: masks, filters, grants
 * and tags are keyed by column name, so renaming the column would silently detach
 * them. Names and SQL are matched without regard to case, and SQL by whole word, so a
 * mention inside a string literal counts too: a false alarm costs a re-created policy,
 * a miss costs the protection.
 */
export async function columnPolicies(
  deps: AdminDeps,
  table: string[],
  column: string,
): Promise<string[]> {
  const { metastore } = deps;
  const tableName = dottedName(table);
  const isColumn = (name: string): boolean => name.toLowerCase() === column.toLowerCase();
  const mentions = wordMatcher(column);
  const found: string[] = [];

  for (const mask of await metastore.dataPolicies.listMasks()) {
    if (!samePath(mask.table, table)) continue;
    if (isColumn(mask.column)) found.push(`column mask on ${mask.column}`);
    else if (mask.expression !== null && mentions(mask.expression)) {
      found.push(`column mask on ${mask.column} (its expression mentions ${column})`);
    }
  }
  for (const filter of await metastore.dataPolicies.listFilters()) {
    if (!samePath(filter.table, table)) continue;
    const listed = filter.columnMode !== 'all' && filter.columns.some(isColumn);
    const predicate = filter.rowPredicate !== null && mentions(filter.rowPredicate);
    if (listed || predicate) found.push(`data filter ${filter.name} on ${tableName}`);
  }
  const onColumn = (securable: { kind: string; path: string[] }): boolean =>
    securable.kind === 'column' &&
    samePath(securable.path.slice(0, -1), table) &&
    isColumn(securable.path[securable.path.length - 1] ?? '');
  for (const grant of await metastore.grants.list()) {
    if (!onColumn(grant.securable)) continue;
    found.push(`grant ${grant.privilege} on column ${column} to ${granteeText(grant.grantee)}`);
  }
  for (const tag of await metastore.tags.listAssignments()) {
    if (onColumn(tag.securable)) found.push(`tag ${tag.key}=${tag.value} on column ${column}`);
  }
  return found;
}

/** Whether SQL mentions the name as a whole word (quoted or not), in any case. */
function wordMatcher(name: string): (sql: string) => boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`, 'i');
  return (sql) => pattern.test(sql);
}
