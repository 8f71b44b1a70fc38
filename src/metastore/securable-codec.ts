import { InvalidInput } from '../errors/index.js';
import { checkName } from './codec.js';
import type { GranteeRecord, SecurableKindRecord } from './governance-repositories.js';

/**
 * Paths are stored as JSON text of the array of names. JSON.stringify is deterministic,
 * so equal paths have equal text, and the text of a path minus its closing bracket is a
 * prefix of the text of every path below it.
 */
export function pathText(path: readonly string[]): string {
  for (const level of path) checkName(level, 'securable');
  return JSON.stringify(path);
}

/** A path that must name something (a namespace, table or column), never the catalog. */
export function nonEmptyPathText(path: readonly string[]): string {
  if (path.length === 0) {
    throw new InvalidInput('INVALID_PATH', 'The path names the catalog itself.', {
      hint: 'Name a namespace, table or column, such as bronze.retail.invoices.',
    });
  }
  return pathText(path);
}

export function parsePath(text: string): string[] {
  return JSON.parse(text) as string[];
}

export function toStrings(text: string): string[] {
  return JSON.parse(text) as string[];
}

export function toGrantees(text: string): GranteeRecord[] {
  return JSON.parse(text) as GranteeRecord[];
}

export function fromGrantees(grantees: readonly GranteeRecord[]): string {
  return JSON.stringify(grantees.map((g) => ({ kind: g.kind, name: g.name })));
}

export function toGrantee(kind: string, name: string): GranteeRecord {
  return { kind: kind as GranteeRecord['kind'], name };
}

export function toSecurableKind(kind: string): SecurableKindRecord {
  return kind as SecurableKindRecord;
}

/** Stable code-point order of rows, the same on both databases whatever the collation. */
export function byText<T>(key: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const [x, y] = [key(a), key(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  };
}
