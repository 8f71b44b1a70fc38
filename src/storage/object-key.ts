import { InvalidInput } from '../errors/index.js';

const outsideHint =
  'Use a key relative to the warehouse root, with "/" between folders and no ".." segments.';

function refuse(key: string, why: string): never {
  throw new InvalidInput('PATH_OUTSIDE_WAREHOUSE', `The path "${key}" ${why}.`, {
    hint: outsideHint,
    details: { key },
  });
}

/** Refuses what could reach outside the root: shared by every store so all agree. */
function checkConfined(key: string): void {
  if (key.includes('\0')) refuse(key.replaceAll('\0', '\\0'), 'contains a NUL character');
  if (key.includes('\\')) refuse(key, 'contains a backslash');
  if (key.startsWith('/')) refuse(key, 'is absolute');
  if (key.split('/').includes('..')) refuse(key, 'contains a ".." segment');
}

/** Validates an object key: confined, non-empty, no empty or "." segments. */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidInput('PATH_OUTSIDE_WAREHOUSE', 'An object key must not be empty.', {
      hint: outsideHint,
    });
  }
  checkConfined(key);
  if (key.split('/').some((segment) => segment === '' || segment === '.')) {
    throw new InvalidInput(
      'INVALID_OBJECT_KEY',
      `The key "${key}" has an empty or "." folder name.`,
      { hint: 'Write keys such as "bronze/retail/invoices/data/part-0.parquet".' },
    );
  }
  return key;
}

/** A list prefix may be empty or end with "/", but must stay inside the root like a key. */
export function checkPrefix(prefix: string): string {
  if (prefix.length > 0) checkConfined(prefix);
  return prefix;
}

/** Key order is plain string order, which is what S3 listings use for ASCII keys. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}
