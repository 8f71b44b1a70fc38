import type { LakewardError } from '../errors/index.js';

const sqliteUnique = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const sqliteForeignKey = 'SQLITE_CONSTRAINT_FOREIGNKEY';
const postgresUnique = '23505';
const postgresForeignKey = '23503';

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === postgresUnique || (typeof code === 'string' && sqliteUnique.has(code));
}

export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === postgresForeignKey || code === sqliteForeignKey;
}

/** Runs a write and turns the databases' constraint errors into the user's error. */
export async function translateConstraints<T>(
  write: () => Promise<T>,
  errors: { unique?: () => LakewardError; foreignKey?: () => LakewardError },
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (errors.unique && isUniqueViolation(err)) throw errors.unique();
    if (errors.foreignKey && isForeignKeyViolation(err)) throw errors.foreignKey();
    throw err;
  }
}
