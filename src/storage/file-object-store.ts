import type { Dirent } from 'node:fs';
import { mkdir, open, readFile, readdir, realpath, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidInput } from '../errors/index.js';
import { isTempFile, moveFileAtomically, writeAtomically, writeIfAbsent } from './atomic-file.js';
import { clampRange } from './byte-range.js';
import { ConfinedFolder } from './confined-folder.js';
import { checkKey, checkPrefix, compareKeys, toBytes } from './object-key.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { isMissing, keyConflict, objectNotFound } from './storage-errors.js';

/** Sorting directories as "name/" makes a depth-first walk yield keys in exact string order. */
function sortName(entry: Dirent): string {
  return entry.isDirectory() ? `${entry.name}/` : entry.name;
}

/** The warehouse on a local filesystem, rooted at an absolute folder. */
export class FileObjectStore implements ObjectStore {
  readonly root: string;
  private readonly folder: ConfinedFolder;

  private constructor(private readonly rootDir: string) {
    this.root = pathToFileURL(rootDir).href;
    this.folder = new ConfinedFolder(rootDir);
  }

  /** Creates the root folder when missing; symlinks in the root path itself are resolved once. */
  static async open(rootDir: string): Promise<FileObjectStore> {
    if (!path.isAbsolute(rootDir)) {
      throw new InvalidInput(
        'INVALID_WAREHOUSE',
        `The warehouse folder "${rootDir}" is relative.`,
        {
          hint: 'Give an absolute folder, e.g. file:///srv/lakehouse/warehouse.',
        },
      );
    }
    await mkdir(rootDir, { recursive: true });
    return new FileObjectStore(await realpath(rootDir));
  }

  uri(key: string): string {
    return pathToFileURL(path.join(this.rootDir, checkKey(key))).href;
  }

  keyOf(uri: string): string | undefined {
    let file: string;
    try {
      file = uri.startsWith('/') ? uri : fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const relative = path.relative(this.rootDir, path.resolve(file));
    const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
    if (relative === '' || outside || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  async get(key: string): Promise<Uint8Array> {
    const file = await this.folder.existingFile(key);
    try {
      return new Uint8Array(await readFile(file));
    } catch (err) {
      if (isMissing(err)) throw objectNotFound(key, err);
      throw err;
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const handle = await this.openForRead(key);
    try {
      const range = clampRange(key, start, end, (await handle.stat()).size);
      const buffer = new Uint8Array(range.end - range.start);
      let offset = 0;
      while (offset < buffer.length) {
        const { bytesRead } = await handle.read(
          buffer,
          offset,
          buffer.length - offset,
          range.start + offset,
        );
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buffer.subarray(0, offset);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    const handle = await this.openForRead(key);
    return handle.createReadStream();
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    const bytes = toBytes(data);
    await this.write(key, (file) =>
      writeAtomically(file, async (handle) => {
        await handle.writeFile(bytes);
      }),
    );
  }

  async putStream(key: string, data: Readable): Promise<void> {
    await this.write(key, (file) =>
      writeAtomically(file, async (handle) => {
        for await (const chunk of data) {
          await handle.write(
            typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array),
          );
        }
      }),
    );
  }

  async putFile(key: string, localPath: string): Promise<void> {
    await this.write(key, (file) => moveFileAtomically(localPath, file));
  }

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    const bytes = toBytes(data);
    return writeIfAbsent(await this.folder.writableFile(key), async (handle) => {
      await handle.writeFile(bytes);
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = await this.folder.existingPath(key);
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    return info?.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const folder = prefix.slice(0, slash + 1);
    const dir = folder === '' ? this.rootDir : await this.folder.existingPath(folder.slice(0, -1));
    if (dir !== undefined) yield* this.walk(dir, folder, prefix);
  }

  async delete(key: string): Promise<void> {
    const file = await this.folder.pathOf(key);
    try {
      await unlink(file);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async localPath(key: string): Promise<string> {
    return this.folder.existingFile(key);
  }

  private async *walk(dir: string, keyPrefix: string, wanted: string): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const sorted = entries
      .filter((entry) => entry.isDirectory() || (entry.isFile() && !isTempFile(entry.name)))
      .sort((a, b) => compareKeys(sortName(a), sortName(b)));
    for (const entry of sorted) {
      const key = keyPrefix + entry.name;
      if (entry.isDirectory()) {
        const folder = `${key}/`;
        if (folder.startsWith(wanted) || wanted.startsWith(folder)) {
          yield* this.walk(path.join(dir, entry.name), folder, wanted);
        }
      } else if (key.startsWith(wanted)) {
        const info = await stat(path.join(dir, entry.name)).catch(() => undefined);
        if (info) yield { key, size: info.size, lastModified: info.mtime };
      }
    }
  }

  private async openForRead(key: string) {
    const file = await this.folder.existingFile(key);
    try {
      return await open(file, 'r');
    } catch (err) {
      if (isMissing(err)) throw objectNotFound(key, err);
      throw err;
    }
  }

  private async write(key: string, write: (file: string) => Promise<unknown>): Promise<void> {
    const file = await this.folder.writableFile(key);
    try {
      await write(file);
    } catch (err) {
      throw keyConflict(key, err);
    }
  }
}
