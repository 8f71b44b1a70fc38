import { Conflict, NotFound } from '../errors/index.js';

export function objectNotFound(key: string, cause?: unknown): NotFound {
  return new NotFound('OBJECT_NOT_FOUND', `No object exists at "${key}" in the warehouse.`, {
    hint: 'Check the key, or list the folder to see what is there.',
    details: { key },
    cause,
  });
}

/** What the filesystem says when a path (or a folder on the way) is not there. */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

const folderClashes = new Set(['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY']);

/** A local folder cannot be both an object and a folder of objects, unlike S3. */
export function keyConflict(key: string, err: unknown): unknown {
  if (!folderClashes.has((err as NodeJS.ErrnoException).code ?? '')) return err;
  return new Conflict(
    'OBJECT_KEY_CONFLICT',
    `The key "${key}" clashes with a folder or object already in the warehouse.`,
    {
      hint: 'In a folder warehouse a key cannot be both an object and a folder of objects.',
      details: { key },
      cause: err,
    },
  );
}
