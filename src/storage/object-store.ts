import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Key relative to the store root, '/'-separated, never starting with '/'. */
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The warehouse's storage port. Keys are relative to the warehouse root and are
 * confined to it: a key with '..', a leading '/', a NUL or a symlink that leaves
 * the root is refused with InvalidInput (code PATH_OUTSIDE_WAREHOUSE).
 * Every write is atomic: readers see the old object or the whole new one.
 */
export interface ObjectStore {
  /** The root as a URI: file:///abs/dir, memory://name, s3://bucket/prefix. */
  readonly root: string;
  /** Full URI of a key, as Iceberg metadata records it. */
  uri(key: string): string;
  /** Key of a full URI inside this store, or undefined when the URI is elsewhere. */
  keyOf(uri: string): string | undefined;

  get(key: string): Promise<Uint8Array>;
  /** Bytes [start, end) of an object; for Parquet footers without reading the file. */
  getRange(key: string, start: number, end: number): Promise<Uint8Array>;
  getStream(key: string): Promise<Readable>;
  put(key: string, data: Uint8Array | string): Promise<void>;
  putStream(key: string, data: Readable): Promise<void>;
  /** Moves (or uploads) a finished local file into the store; the local file is gone afterwards. */
  putFile(key: string, localPath: string): Promise<void>;
  /** Writes only if nothing exists at the key; false when it did. */
  putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with prefix, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /**
   * A local file path holding the object, for engines that read files (DuckDB).
   * file:// returns the real path; other stores copy the (immutable) object into the
   * local cache first.
   */
  localPath(key: string): Promise<string>;
}
