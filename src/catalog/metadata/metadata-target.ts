import { NotFound } from '../../errors/index.js';
import type { Securable } from '../../governance/index.js';
import { namespaceNotFound, tableNotFound } from '../catalog-errors.js';
import { identOfPath } from '../catalog-securables.js';
import { checkNamespace, parseNamespace, parseTableName } from '../names.js';

/** The securables that carry business metadata. */
export const METADATA_KINDS = ['namespace', 'table', 'volume'] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

/** A namespace, table or volume, by its path (namespace levels, plus the name for tables and volumes). */
export interface MetadataTarget {
  kind: MetadataKind;
  path: string[];
}

export function securableOf(target: MetadataTarget): Securable {
  return { kind: target.kind, path: [...target.path] };
}

export function targetName(target: MetadataTarget): string {
  return target.path.join('.');
}

/** `gold.revenue.daily` as a table, namespace or volume name; checked like the catalog checks names. */
export function parseTarget(kind: MetadataKind, text: string): MetadataTarget {
  if (kind === 'namespace') return { kind, path: parseNamespace(text) };
  const ident = parseTableName(text);
  return { kind, path: [...ident.namespace, ident.name] };
}

/** Checks a path that arrived already split (from a URL). */
export function checkTarget(target: MetadataTarget): MetadataTarget {
  if (target.kind === 'namespace') return { kind: target.kind, path: checkNamespace(target.path) };
  return parseTarget(target.kind, target.path.join('.'));
}

/** The error a missing target gets: the catalog's own words, so hidden and missing look alike. */
export function targetNotFound(target: MetadataTarget): NotFound {
  switch (target.kind) {
    case 'namespace':
      return namespaceNotFound(target.path);
    case 'table':
      return tableNotFound(identOfPath(target.path));
    case 'volume':
      return new NotFound('VOLUME_NOT_FOUND', `Volume ${targetName(target)} does not exist`, {
        hint: `check the volume's name and its namespace ${target.path.slice(0, -1).join('.')}`,
      });
  }
}
