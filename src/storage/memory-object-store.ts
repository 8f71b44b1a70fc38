import { mkdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeAtomically } from './atomic-file.js';
import { clampRange } from './byte-range.js';
import { checkKey, checkPrefix, compareKeys, toBytes } from './object-key.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { objectNotFound } from './storage-errors.js';

interface StoredObject {
  data: Uint8Array;
  lastModified: Date;
  /** Tells whether the copy in the local cache is still this object. */
  version: number;
}

/**
 * A warehouse held in this process's memory: a real store with the same semantics as
 * the others, for tests and throwaway sessions. Each instance is its own warehouse.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly root: string;
  private readonly objects = new Map<string, StoredObject>();
  private readonly cachedVersions = new Map<string, number>();
  private nextVersion = 1;

  constructor(
    readonly name: string,
    private readonly cacheDir: string,
  ) {
    this.root = `memory://${name}`;
  }

  uri(key: string): string {
    return `${this.root}/${checkKey(key)}`;
  }

  keyOf(uri: string): string | undefined {
    if (!uri.startsWith(`${this.root}/`)) return undefined;
    const key = uri.slice(this.root.length + 1);
    try {
      return checkKey(key);
    } catch {
      return undefined;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    return this.object(key).data.slice();
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const { data } = this.object(key);
    const range = clampRange(key, start, end, data.length);
    return data.slice(range.start, range.end);
  }

  async getStream(key: string): Promise<Readable> {
    return Readable.from([Buffer.from(this.object(key).data)], { objectMode: false });
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    this.store(checkKey(key), toBytes(data).slice());
  }

  async putStream(key: string, data: Readable): Promise<void> {
    checkKey(key);
    const chunks: Buffer[] = [];
    for await (const chunk of data) {
      chunks.push(
        typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array),
      );
    }
    this.store(key, new Uint8Array(Buffer.concat(chunks)));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    checkKey(key);
    const data = new Uint8Array(await readFile(localPath));
    this.store(key, data);
    await unlink(localPath);
  }

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    if (this.objects.has(checkKey(key))) return false;
    this.store(key, toBytes(data).slice());
    return true;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const found = this.objects.get(checkKey(key));
    return found && { key, size: found.data.length, lastModified: found.lastModified };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
    for (const key of keys) {
      const found = this.objects.get(key);
      if (found) yield { key, size: found.data.length, lastModified: found.lastModified };
    }
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(checkKey(key));
  }

  /** Objects are copied into the cache folder once per version, atomically like any write. */
  async localPath(key: string): Promise<string> {
    const found = this.object(key);
    const file = path.join(this.cacheDir, encodeURIComponent(this.name), ...key.split('/'));
    if (this.cachedVersions.get(key) !== found.version) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeAtomically(file, async (handle) => {
        await handle.writeFile(found.data);
      });
      this.cachedVersions.set(key, found.version);
    }
    return file;
  }

  private object(key: string): StoredObject {
    const found = this.objects.get(checkKey(key));
    if (found) return found;
    throw objectNotFound(key);
  }

  private store(key: string, data: Uint8Array): void {
    this.objects.set(key, { data, lastModified: new Date(), version: this.nextVersion++ });
  }
}
