import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInput } from '../errors/index.js';
import { FileObjectStore } from './file-object-store.js';
import { MemoryObjectStore } from './memory-object-store.js';
import type { ObjectStore } from './object-store.js';

const supported = 'file:///absolute/folder, memory://name';

export interface ObjectStoreOptions {
  /** Local folder where objects of remote or in-memory stores are copied for engines that read files. */
  cacheDir: string;
}

function filePath(uri: string): string {
  try {
    return fileURLToPath(uri);
  } catch (err) {
    throw new InvalidInput('INVALID_WAREHOUSE', `"${uri}" is not a valid file URI.`, {
      hint: 'Write file:///absolute/folder (three slashes), e.g. file:///srv/lakehouse/warehouse.',
      cause: err,
    });
  }
}

/** Opens the warehouse named by a URI; the scheme chooses the backend. */
export async function openObjectStore(
  uri: string,
  options: ObjectStoreOptions,
): Promise<ObjectStore> {
  if (uri.startsWith('file:')) return FileObjectStore.open(filePath(uri));
  if (path.isAbsolute(uri)) return FileObjectStore.open(uri);
  if (uri.startsWith('memory://')) {
    const name = uri.slice('memory://'.length).replace(/\/+$/, '');
    if (name === '' || name.includes('/')) {
      throw new InvalidInput('INVALID_WAREHOUSE', `"${uri}" does not name a memory warehouse.`, {
        hint: 'Write memory://NAME, e.g. memory://scratch.',
      });
    }
    return new MemoryObjectStore(name, options.cacheDir);
  }
  if (uri.startsWith('s3://')) {
    throw new InvalidInput(
      'UNSUPPORTED_STORAGE',
      's3:// storage is not available yet in this version of Lakeward.',
      { hint: `Use a local warehouse for now: ${supported}.` },
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1];
  throw new InvalidInput(
    'UNSUPPORTED_STORAGE',
    scheme === undefined
      ? `The warehouse "${uri}" is neither an absolute folder nor a URI.`
      : `The warehouse scheme "${scheme}:" is not supported.`,
    { hint: `Supported warehouses: ${supported} (s3://bucket/prefix is coming).` },
  );
}
