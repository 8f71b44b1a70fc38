import { InvalidInput } from '../errors/index.js';
import { LAYERS, type Layer, type TableIdent } from './contract.js';

const LEVEL = /^[a-z_][a-z0-9_]*$/;
const MAX_LEVEL_LENGTH = 128;
const TABLE_HINT = 'Use layer.namespace.table in lower case, e.g. bronze.retail.invoices';
const NAMESPACE_HINT = 'Use layer.namespace in lower case, e.g. bronze.retail';

type NameKind = 'Table name' | 'Namespace';

export function isLayer(level: string): level is Layer {
  return (LAYERS as readonly string[]).includes(level);
}

function checkLevels(kind: NameKind, text: string, levels: string[], hint: string): void {
  for (const level of levels) {
    if (level === '') {
      throw new InvalidInput('INVALID_NAME', `${kind} "${text}" has an empty level.`, { hint });
    }
    if (level.length > MAX_LEVEL_LENGTH) {
      throw new InvalidInput(
        'INVALID_NAME',
        `${kind} "${text}" has a level longer than ${MAX_LEVEL_LENGTH} characters.`,
        { hint },
      );
    }
    if (!LEVEL.test(level)) {
      throw new InvalidInput(
        'INVALID_NAME',
        `${kind} "${text}" is not valid: "${level}" may only hold lower-case letters, digits and _, and must not start with a digit.`,
        { hint },
      );
    }
  }
  const layer = levels[0]!;
  if (!isLayer(layer)) {
    throw new InvalidInput(
      'UNKNOWN_LAYER',
      `${kind} "${text}" starts with "${layer}", which is not a layer.`,
      { hint: `The first level must be one of ${LAYERS.join(', ')}, e.g. bronze.retail.invoices.` },
    );
  }
}

/** Checks namespace levels that arrive already split (from a path or a URL). */
export function checkNamespace(levels: readonly string[]): string[] {
  const text = levels.join('.');
  if (levels.length === 0) {
    throw new InvalidInput('INVALID_NAME', 'Namespace is empty.', { hint: NAMESPACE_HINT });
  }
  checkLevels('Namespace', text, [...levels], NAMESPACE_HINT);
  return [...levels];
}

/** Checks a table identifier whose levels arrive already split. */
export function checkTableIdent(ident: TableIdent): TableIdent {
  const levels = [...ident.namespace, ident.name];
  const text = levels.join('.');
  if (ident.namespace.length < 2) {
    throw new InvalidInput(
      'INVALID_NAME',
      `Table name "${text}" needs at least three levels: layer, namespace and table.`,
      { hint: TABLE_HINT },
    );
  }
  checkLevels('Table name', text, levels, TABLE_HINT);
  return { namespace: ident.namespace.slice(), name: ident.name };
}

/** "bronze.retail.invoices" → { namespace: ['bronze', 'retail'], name: 'invoices' }. */
export function parseTableName(text: string): TableIdent {
  const levels = text.trim().split('.');
  const name = levels.pop() ?? '';
  return checkTableIdent({ namespace: levels, name });
}

/** "bronze.retail" → ['bronze', 'retail']. */
export function parseNamespace(text: string): string[] {
  return checkNamespace(text.trim().split('.'));
}

export function formatTableName(ident: TableIdent): string {
  return [...ident.namespace, ident.name].join('.');
}

export function formatNamespace(path: readonly string[]): string {
  return path.join('.');
}
