import { InvalidInput } from '../../errors/index.js';
import type { Securable, SecurableKind } from '../contract.js';

const PLAIN_LEVEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How many levels a securable of each kind has at least (catalog: none). */
const MIN_LEVELS: Record<SecurableKind, number> = {
  catalog: 0,
  namespace: 1,
  table: 2,
  volume: 2,
  column: 3,
};

/** A level as users write it: plain identifiers bare, anything else double-quoted. */
function levelText(level: string): string {
  return PLAIN_LEVEL.test(level) ? level : `"${level.replaceAll('"', '""')}"`;
}

/** The dotted name alone, e.g. `gold.revenue.monthly` ('' for the catalog). */
export function dottedName(path: readonly string[]): string {
  return path.map(levelText).join('.');
}

/**
 * How the audit log names a securable: `catalog`, `table:gold.revenue.monthly`: the
 * `kind:name` form the API's query parameters take, so an event's resource can be
 * pasted into a filter.
 */
export function auditResource(securable: Securable): string {
  if (securable.kind === 'catalog') return 'catalog';
  return `${securable.kind}:${dottedName(securable.path)}`;
}

/** e.g. `table gold.revenue.monthly`, `catalog`, `column bronze.crm.customers.ssn`. */
export function securableText(securable: Securable): string {
  if (securable.kind === 'catalog') return 'catalog';
  return `${securable.kind} ${dottedName(securable.path)}`;
}

function invalidName(kind: SecurableKind, text: string, why: string): InvalidInput {
  return new InvalidInput('SECURABLE_NAME_INVALID', `The ${kind} name "${text}" ${why}.`, {
    hint:
      kind === 'column'
        ? 'Write the table name then the column, e.g. bronze.crm.customers.ssn; double-quote a level with dots or spaces ("first name").'
        : 'Write the levels separated by dots, e.g. gold.revenue.monthly; double-quote a level with dots or spaces.',
  });
}

/** Splits `a."b.c".d` into levels; a doubled quote inside quotes is one quote. */
function splitLevels(kind: SecurableKind, text: string): string[] {
  const levels: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let level = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw invalidName(kind, text, 'has an unclosed double quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            level += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        level += text[i];
        i++;
      }
      if (i < text.length && text[i] !== '.') {
        throw invalidName(kind, text, `has text after a quoted level at position ${i + 1}`);
      }
    } else {
      const end = text.indexOf('.', i);
      level = text.slice(i, end === -1 ? text.length : end).trim();
      if (level.includes('"')) throw invalidName(kind, text, 'has a stray double quote');
      i = end === -1 ? text.length : end;
    }
    if (level === '') throw invalidName(kind, text, 'has an empty level');
    levels.push(level);
    i++;
  }
  return levels;
}

/** Parses a dotted name (as securableText writes it, without the kind) back into a securable. */
export function parseSecurable(kind: SecurableKind, text: string): Securable {
  const trimmed = text.trim();
  if (kind === 'catalog') {
    if (trimmed !== '' && trimmed !== 'catalog') {
      throw invalidName(kind, text, 'must be empty: there is one catalog');
    }
    return { kind, path: [] };
  }
  if (trimmed === '') throw invalidName(kind, text, 'is empty');
  const path = splitLevels(kind, trimmed);
  if (path.length < MIN_LEVELS[kind]) {
    throw invalidName(kind, text, `needs at least ${MIN_LEVELS[kind]} levels`);
  }
  return { kind, path };
}

/** The containers of a securable, nearest first: column → table → namespaces (deepest first) → catalog. */
export function ancestorsOf(securable: Securable): Securable[] {
  const result: Securable[] = [];
  let namespaceLevels = securable.path.length;
  if (securable.kind === 'column') {
    result.push({ kind: 'table', path: securable.path.slice(0, -1) });
    namespaceLevels -= 2;
  } else if (securable.kind === 'table' || securable.kind === 'volume') {
    namespaceLevels -= 1;
  } else if (securable.kind === 'namespace') {
    namespaceLevels -= 1;
  } else {
    return result;
  }
  for (let n = namespaceLevels; n >= 1; n--) {
    result.push({ kind: 'namespace', path: securable.path.slice(0, n) });
  }
  result.push({ kind: 'catalog', path: [] });
  return result;
}

/** The namespaces that contain a securable, outermost first (USAGE is needed on each). */
export function containingNamespaces(securable: Securable): Securable[] {
  return ancestorsOf(securable)
    .filter((s) => s.kind === 'namespace')
    .reverse();
}

/** A map key for a securable: kind and levels, unambiguous for any level text. */
export function securableKey(securable: { kind: string; path: readonly string[] }): string {
  return `${securable.kind}\u0000${securable.path.join('\u0000')}`;
}
