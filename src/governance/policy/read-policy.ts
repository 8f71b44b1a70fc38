import { bindCallerFunctions, quoteIdent } from '../../engine/index.js';
import type { ColumnShape, ReadPolicy, Securable, Source } from '../contract.js';
import { adminSource, columnSelectSources, missing, usageCheck } from './decide.js';
import { holds, privilegeSources } from './evaluation.js';
import type { Evaluation } from './evaluation.js';
import { maskLabel, maskSql } from './mask-sql.js';
import { dottedName, securableText } from './securable.js';

/** One way the caller may read the table: rows it admits (all when no predicate) and columns. */
interface Admission {
  predicate: string | null;
  columns: Set<string>;
}

function denied(reason: string, sources: Source[] = []): ReadPolicy {
  return { allowed: false, reason, applied: { grants: [], filters: [], masks: [] }, sources };
}

/**
 * What one caller may read of one table. Rows are visible if any admission admits
 * them; a cell is visible only if an admission that admits its row includes its
 * column (else NULL); masks apply inside that, to callers who are not exempt.
 */
export async function compileReadPolicy(
  ev: Evaluation,
  table: string[],
  columns: ColumnShape[],
  hashKey: Buffer,
): Promise<ReadPolicy> {
  const tableSecurable: Securable = { kind: 'table', path: table };
  const names = columns.map((c) => c.name);
  const admissions: Admission[] = [];
  const sources: Source[] = [];
  const applied: ReadPolicy['applied'] = { grants: [], filters: [], masks: [] };

  const full = ev.principal.isAdmin
    ? [adminSource(ev)]
    : privilegeSources(ev, 'SELECT', tableSecurable).filter((s) => s.type !== 'tag_policy');
  if (full.length > 0) {
    admissions.push({ predicate: null, columns: new Set(names) });
    sources.push(...full);
  } else {
    const granted = new Set<string>();
    for (const name of names) {
      const found = columnSelectSources(ev, { kind: 'column', path: [...table, name] });
      if (found.length === 0) continue;
      granted.add(name);
      sources.push(...found);
    }
    if (granted.size > 0) admissions.push({ predicate: null, columns: granted });
  }
  for (const filter of ev.snapshot.filtersOf(table)) {
    if (!filter.grantees.some((g) => holds(ev, g))) continue;
    const shown =
      filter.columnMode === 'all'
        ? names
        : filter.columnMode === 'include'
          ? names.filter((n) => filter.columns.includes(n))
          : names.filter((n) => !filter.columns.includes(n));
    const predicate =
      filter.rowPredicate === null
        ? null
        : await bindCallerFunctions(filter.rowPredicate, {
            user: ev.principal.name,
            groups: ev.grantees.groups,
          });
    admissions.push({ predicate, columns: new Set(shown) });
    applied.filters.push(filter.name);
    sources.push({
      type: 'data_filter',
      id: filter.id,
      description: `data filter ${filter.name} on table ${dottedName(table)}`,
    });
  }
  if (admissions.length === 0) return denied(missing(ev, 'SELECT', tableSecurable));
  if (!ev.principal.isAdmin) {
    const usage = usageCheck(ev, 'SELECT', tableSecurable);
    if ('lacking' in usage) {
      return denied(`needs USAGE on ${securableText(usage.lacking)}`, sources);
    }
  }
  // A tag policy that admits several columns is one source, listed once.
  const distinct = new Map(sources.map((s) => [s.type === 'tag_policy' ? s.id : s.description, s]));
  sources.splice(0, sources.length, ...distinct.values());
  applied.grants.push(
    ...sources
      .filter((s) => s.type === 'grant' || s.type === 'tag_policy' || s.type === 'owner')
      .map((s) => s.id ?? s.description),
  );

  const open = admissions.filter((a) => a.predicate === null);
  const conditional = admissions.filter((a) => a.predicate !== null);
  const openColumns = new Set(open.flatMap((a) => [...a.columns]));
  const visible = names.filter(
    (n) => openColumns.has(n) || conditional.some((a) => a.columns.has(n)),
  );
  if (visible.length === 0) {
    return denied(
      `no column of ${securableText(tableSecurable)} is visible to ${ev.principal.name}`,
      sources,
    );
  }
  const rowFilter = open.length > 0 ? undefined : orOf(conditional);

  const masks: Record<string, string> = {};
  const tableMasks = ev.snapshot.masksOf(table);
  for (const column of columns.filter((c) => visible.includes(c.name))) {
    const mask = tableMasks.get(column.name);
    const exempt = mask === undefined || mask.exempt.some((g) => holds(ev, g));
    let value = quoteIdent(column.name);
    if (!exempt) {
      value = maskSql(mask, column, hashKey);
      applied.masks.push(maskLabel(column.name, mask));
      sources.push({
        type: 'column_mask',
        id: mask.id,
        description: `mask ${maskLabel(column.name, mask)}`,
      });
    }
    if (!openColumns.has(column.name)) {
      const admitting = conditional.filter((a) => a.columns.has(column.name));
      // The row filter already is exactly these admissions: no CASE needed.
      if (open.length > 0 || admitting.length < conditional.length) {
        value = `CASE WHEN ${orOf(admitting)} THEN ${value} END`;
      }
    }
    if (value !== quoteIdent(column.name)) masks[column.name] = value;
  }

  const policy: ReadPolicy = {
    allowed: true,
    reason: summary(visible.length, names.length, rowFilter, applied),
    applied,
    sources,
  };
  if (visible.length < names.length) policy.columns = visible;
  if (rowFilter !== undefined) policy.rowFilter = rowFilter;
  if (Object.keys(masks).length > 0) policy.masks = masks;
  return policy;
}

function orOf(admissions: Admission[]): string {
  return [...new Set(admissions.map((a) => `(${a.predicate as string})`))].join(' OR ');
}

function summary(
  visible: number,
  total: number,
  rowFilter: string | undefined,
  applied: ReadPolicy['applied'],
): string {
  const parts = [visible === total ? 'all columns' : `${visible} of ${total} columns`];
  parts.push(rowFilter === undefined ? 'all rows' : `rows of ${applied.filters.join(', ')}`);
  if (applied.masks.length > 0) parts.push(`masked ${applied.masks.join('; ')}`);
  return parts.join(', ');
}
