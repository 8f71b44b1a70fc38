import type { CatalogChange } from './contract.js';

/** A table or namespace rename as a change announces it, to move stored table names along. */
export interface PathRename {
  kind: 'table' | 'namespace';
  from: string[];
  to: string[];
}

/** The rename a change announces (its `renamedFrom`), undefined for any other change. */
export function renameOf(change: CatalogChange): PathRename | undefined {
  if (change.kind !== 'table' && change.kind !== 'namespace') return undefined;
  if (change.renamedFrom === undefined || change.removed === true) return undefined;
  return { kind: change.kind, from: change.renamedFrom, to: change.path };
}

/**
 * Where a table (namespace levels then name) is after the rename: the table renamed, or
 * one below the renamed namespace (at any depth); undefined when the rename leaves it.
 * Names are compared lower-cased, as SQL and the catalog compare them.
 */
export function renamedTablePath(
  rename: PathRename,
  table: readonly string[],
): string[] | undefined {
  const from = rename.from.map((l) => l.toLowerCase());
  const path = table.map((l) => l.toLowerCase());
  const below =
    rename.kind === 'namespace' ? path.length > from.length : path.length === from.length;
  if (!below || !from.every((level, i) => level === path[i])) return undefined;
  return [...rename.to, ...path.slice(from.length)];
}
