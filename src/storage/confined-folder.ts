import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInput } from '../errors/index.js';
import { makeFolders } from './atomic-file.js';
import { checkKey } from './object-key.js';
import { isMissing, keyConflict, objectNotFound } from './storage-errors.js';

/**
 * Maps keys to paths under a real (symlink-free) root folder and refuses any path whose
 * existing part resolves outside it, so a symlink in the warehouse cannot leak or overwrite
 * files elsewhere.
 */
export class ConfinedFolder {
  constructor(readonly rootDir: string) {}

  /** Path of a key whose deepest existing ancestor really lies inside the root. */
  async pathOf(key: string): Promise<string> {
    const file = path.join(this.rootDir, checkKey(key));
    let ancestor = path.dirname(file);
    for (;;) {
      try {
        this.checkInside(await realpath(ancestor), key);
        return file;
      } catch (err) {
        if (!isMissing(err) || ancestor === this.rootDir) throw err;
        ancestor = path.dirname(ancestor);
      }
    }
  }

  /** The real path of an existing object file. */
  async existingFile(key: string): Promise<string> {
    const real = await this.existingPath(key);
    if (real === undefined || !(await stat(real)).isFile()) throw objectNotFound(key);
    return real;
  }

  /** Creates the key's folders once no symlink on the way leaves the root; returns the path. */
  async writableFile(key: string): Promise<string> {
    const file = await this.pathOf(key);
    try {
      await makeFolders(path.dirname(file));
    } catch (err) {
      throw keyConflict(key, err);
    }
    this.checkInside(await realpath(path.dirname(file)), key);
    return file;
  }

  /** The real path of whatever exists at the key (file or folder), or undefined. */
  async existingPath(key: string): Promise<string | undefined> {
    const file = await this.pathOf(key);
    let real: string;
    try {
      real = await realpath(file);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    this.checkInside(real, key);
    return real;
  }

  private checkInside(real: string, key: string): void {
    if (real === this.rootDir || real.startsWith(this.rootDir + path.sep)) return;
    throw new InvalidInput(
      'PATH_OUTSIDE_WAREHOUSE',
      `The path "${key}" leads outside the warehouse through a symbolic link.`,
      { hint: 'Remove the link or store the data inside the warehouse folder.', details: { key } },
    );
  }
}
