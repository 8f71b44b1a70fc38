import { parseTableName } from '../catalog/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { Authorizer, Principal } from '../governance/index.js';

/**
 * The columns of a table a caller may see, as `describe` shows them: all of them unless
 * the caller's read policy lists fewer (lower case). undefined: every column (also for a
 * table that is gone, whose columns lineage only knows by name).
 */
export type VisibleColumns = (table: string) => Promise<Set<string> | undefined>;

export function visibleColumnsOf(
  catalog: Pick<CatalogService, 'describeTable' | 'tableExists'>,
  authorizer: Authorizer,
  principal: Principal,
): VisibleColumns {
  const cache = new Map<string, Promise<Set<string> | undefined>>();
  const compute = async (table: string) => {
    const ident = parseTableName(table);
    if (!(await catalog.tableExists(ident))) return undefined;
    const described = await catalog.describeTable(ident);
    const shapes = described.columns.map((c) => ({ name: c.name, type: c.type }));
    const policy = await authorizer.readPolicy(principal, [...ident.namespace, ident.name], shapes);
    if (!policy.allowed || policy.columns === undefined) return undefined;
    return new Set(policy.columns.map((c) => c.toLowerCase()));
  };
  return (table) => {
    let found = cache.get(table);
    if (found === undefined) {
      found = compute(table);
      cache.set(table, found);
    }
    return found;
  };
}
