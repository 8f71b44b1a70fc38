import { NotFound } from '../../errors/index.js';
import type { Principal, Securable } from '../contract.js';
import { hiddenError } from '../policy/access-errors.js';
import { dottedName } from '../policy/securable.js';
import type { AdminDeps } from './admin-deps.js';

const CATALOG: Securable = { kind: 'catalog', path: [] };

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((level, i) => level === b[i]);
}

export function sameSecurable(a: Securable, b: Securable): boolean {
  return a.kind === b.kind && samePath(a.path, b.path);
}

/** The table a column belongs to. */
export function tableOf(column: Securable): Securable {
  return { kind: 'table', path: column.path.slice(0, -1) };
}

export function catalogSecurable(): Securable {
  return CATALOG;
}

export function tableSecurable(table: string[]): Securable {
  return { kind: 'table', path: table };
}

/**
 * The NotFound the caller gets for a securable that is missing or that it may not
 * DESCRIBE: both take this one path, worded as the catalog words a missing object
 * (the authorizer's hiddenError), so the answer does not reveal which it was. A
 * column of a table the caller cannot see (or that is missing) is answered for the
 * table.
 */
export async function notFoundFor(
  deps: AdminDeps,
  principal: Principal,
  securable: Securable,
): Promise<NotFound> {
  if (securable.kind !== 'column') return hiddenError(securable);
  const table = tableOf(securable);
  const [tableVisible] = await deps.authorizer.visible(principal, [table]);
  if (tableVisible !== true || !(await deps.securables.exists(table))) return hiddenError(table);
  const name = dottedName(table.path);
  return new NotFound(
    'COLUMN_NOT_FOUND',
    `The table ${name} has no column "${securable.path.at(-1)}".`,
    {
      hint: `lakeward table describe ${name} lists its columns.`,
    },
  );
}

/** Throws the NotFound of notFoundFor when the securable does not exist. */
export async function requireExisting(
  deps: AdminDeps,
  principal: Principal,
  securable: Securable,
): Promise<void> {
  if (securable.kind === 'catalog') return;
  if (!(await deps.securables.exists(securable))) {
    throw await notFoundFor(deps, principal, securable);
  }
}

/** Keeps the items whose securable the caller may DESCRIBE (one snapshot, one call). */
export async function describable<T>(
  deps: AdminDeps,
  principal: Principal,
  items: T[],
  securableOfItem: (item: T) => Securable,
): Promise<T[]> {
  if (items.length === 0) return [];
  const flags = await deps.authorizer.visible(principal, items.map(securableOfItem));
  return items.filter((_, i) => flags[i] === true);
}

/** Exists and the caller may DESCRIBE it; otherwise the NotFound of a missing object. */
export async function requireDescribable(
  deps: AdminDeps,
  principal: Principal,
  securable: Securable,
): Promise<void> {
  await requireExisting(deps, principal, securable);
  if (securable.kind === 'catalog') return;
  const [visible] = await deps.authorizer.visible(principal, [securable]);
  if (visible !== true) throw await notFoundFor(deps, principal, securable);
}
