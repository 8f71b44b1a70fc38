import { InvalidInput } from '../errors/index.js';

/** A control character no namespace name may contain, so joined keys never collide. */
export const NAMESPACE_SEPARATOR = '\u001f';

export function namespaceKey(path: readonly string[]): string {
  if (path.length === 0) {
    throw new InvalidInput('INVALID_NAME', 'A namespace needs at least one level.', {
      hint: 'Name a namespace such as bronze.retail.',
    });
  }
  for (const level of path) checkName(level, 'namespace level');
  return path.join(NAMESPACE_SEPARATOR);
}

export function namespacePath(key: string): string[] {
  return key.split(NAMESPACE_SEPARATOR);
}

export function checkName(name: string, what: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes(NAMESPACE_SEPARATOR)) {
    throw new InvalidInput(
      'INVALID_NAME',
      `The ${what} name "${name}" is empty or has a control character.`,
      {
        hint: 'Use letters, digits and underscores.',
      },
    );
  }
  return name;
}

export function displayName(path: readonly string[]): string {
  return path.join('.');
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toOptionalDate(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

export function toProperties(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}

export function fromProperties(properties: Record<string, string> | undefined): string {
  return JSON.stringify(properties ?? {});
}

/** Plain code-point order, the same on both databases whatever PostgreSQL's collation. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
