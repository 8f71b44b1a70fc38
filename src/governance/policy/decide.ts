import type { Decision, Privilege, Securable, Source } from '../contract.js';
import { describeSources, holds, privilegeSources, tagPolicySources } from './evaluation.js';
import type { Evaluation } from './evaluation.js';
import { containingNamespaces, dottedName, securableText } from './securable.js';

/** Privileges that do not need USAGE on the containing namespaces. */
const WITHOUT_USAGE = new Set<Privilege>([
  'USAGE',
  'DESCRIBE',
  'READ_AUDIT',
  'CREATE_EXTERNAL_TABLE',
]);
/** Rights over the whole catalog (the audit log, the external locations). */
const CATALOG_ONLY = new Set<Privilege>(['READ_AUDIT', 'CREATE_EXTERNAL_TABLE']);

export function adminSource(ev: Evaluation): Source {
  return { type: 'admin', description: `${ev.principal.name} is an admin` };
}

export function allow(privilege: Privilege, securable: Securable, sources: Source[]): Decision {
  return {
    allowed: true,
    privilege,
    securable,
    reason: sources[0]?.description ?? 'allowed',
    sources,
  };
}

export function deny(
  privilege: Privilege,
  securable: Securable,
  reason: string,
  sources: Source[] = [],
): Decision {
  return { allowed: false, privilege, securable, reason, sources };
}

/** `no SELECT on table gold.revenue.monthly (or its namespaces) for alice or their groups`. */
export function missing(ev: Evaluation, privilege: Privilege, securable: Securable): string {
  const above =
    securable.kind === 'catalog'
      ? ''
      : securable.kind === 'column'
        ? ' (or its table or namespaces)'
        : ' (or its namespaces)';
  return `no ${privilege} on ${securableText(securable)}${above} for ${ev.principal.name} or their groups`;
}

/**
 * USAGE on every namespace that contains the securable (and on a namespace itself
 * for creating inside it). Returns the sources, or the namespace that lacks it.
 */
export function usageCheck(
  ev: Evaluation,
  privilege: Privilege,
  securable: Securable,
): { sources: Source[] } | { lacking: Securable } {
  if (WITHOUT_USAGE.has(privilege)) return { sources: [] };
  const namespaces = containingNamespaces(securable);
  const creating =
    privilege === 'CREATE_TABLE' ||
    privilege === 'CREATE_NAMESPACE' ||
    privilege === 'CREATE_VOLUME';
  if (securable.kind === 'namespace' && creating) namespaces.push(securable);
  const sources: Source[] = [];
  for (const namespace of namespaces) {
    const found = privilegeSources(ev, 'USAGE', namespace);
    if (found.length === 0) return { lacking: namespace };
    sources.push(found[0] as Source);
  }
  return { sources };
}

/** Ways to read some of a table other than SELECT on it: column grants, column tags, filters. */
function otherReadPaths(ev: Evaluation, table: Securable): Source[] {
  const sources: Source[] = [];
  for (const column of ev.snapshot.columnsWithPolicy(table.path)) {
    sources.push(...columnSelectSources(ev, column));
  }
  sources.push(...filterSources(ev, table.path, undefined));
  return sources;
}

/** SELECT on exactly this column (grants on it, or tag policies matching its tags). */
export function columnSelectSources(ev: Evaluation, column: Securable): Source[] {
  const direct = ev.snapshot
    .grantsAt(column)
    .filter(
      (g) => (g.privilege === 'SELECT' || g.privilege === 'OWNER') && ev.grantees.via.has(g.holder),
    )
    .map((g): Source => ({
      type: 'grant',
      id: g.id,
      description: `${g.privilege} on ${securableText(column)}`,
    }));
  return [...direct, ...tagPolicySources(ev, column, (p) => p === 'SELECT')];
}

/** Data filters on the table granted to the caller (that show `column`, when given). */
export function filterSources(
  ev: Evaluation,
  table: readonly string[],
  column: string | undefined,
): Source[] {
  return ev.snapshot
    .filtersOf(table)
    .filter((f) => f.grantees.some((g) => holds(ev, g)))
    .filter((f) => {
      if (column === undefined || f.columnMode === 'all') return true;
      return f.columnMode === 'include' ? f.columns.includes(column) : !f.columns.includes(column);
    })
    .map((f) => ({
      type: 'data_filter',
      id: f.id,
      description: `data filter ${f.name} on table ${dottedName(f.table)}`,
    }));
}

/** The decision for a non-admin (admins are allowed before this is asked). */
export function decideFor(ev: Evaluation, privilege: Privilege, securable: Securable): Decision {
  if (privilege === 'DESCRIBE') {
    const sources = describeSources(ev, securable);
    return sources.length > 0
      ? allow(privilege, securable, sources)
      : deny(
          privilege,
          securable,
          missing(ev, 'DESCRIBE', securable).replace('no DESCRIBE', 'nothing granted'),
        );
  }
  if (CATALOG_ONLY.has(privilege) && securable.kind !== 'catalog') {
    return deny(privilege, securable, `${privilege} is only granted on the catalog`);
  }
  let sources = privilegeSources(ev, privilege, securable);
  if (sources.length === 0 && privilege === 'SELECT') {
    if (securable.kind === 'table') sources = otherReadPaths(ev, securable);
    if (securable.kind === 'column') {
      sources = filterSources(ev, securable.path.slice(0, -1), securable.path.at(-1));
    }
  }
  if (sources.length === 0) return deny(privilege, securable, missing(ev, privilege, securable));
  const usage = usageCheck(ev, privilege, securable);
  if ('lacking' in usage) {
    return deny(privilege, securable, `needs USAGE on ${securableText(usage.lacking)}`, sources);
  }
  return allow(privilege, securable, [...sources, ...usage.sources]);
}

/**
 * May grant: ownership here or above, MANAGE_GRANTS here or above, or the privilege
 * itself with grant option.
 */
export function canGrantFor(ev: Evaluation, privilege: Privilege, securable: Securable): Decision {
  const found = [
    ...privilegeSources(ev, 'MANAGE_GRANTS', securable),
    ...privilegeSources(ev, privilege, securable, true),
  ];
  // Ownership shows up under both; list each source once.
  const sources = [...new Map(found.map((s) => [s.description, s])).values()];
  if (sources.length > 0) return allow(privilege, securable, sources);
  return deny(
    privilege,
    securable,
    `${ev.principal.name} may not grant ${privilege} on ${securableText(securable)}: it needs ownership, MANAGE_GRANTS, or ${privilege} with grant option`,
  );
}
