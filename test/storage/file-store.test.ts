import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../src/storage/index.js';
import { FileObjectStore, openObjectStore } from '../../src/storage/index.js';
import { objectStoreContract } from './object-store.contract.js';

function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `lakeward-${label}-`));
}

objectStoreContract('file://', async () => {
  const dir = tempDir('file-store');
  return {
    store: await openObjectStore(pathToFileURL(path.join(dir, 'warehouse')).href, {
      cacheDir: path.join(dir, 'cache'),
    }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('file:// warehouse', () => {
  let dir: string;
  let root: string;
  let store: ObjectStore;

  beforeEach(async () => {
    dir = tempDir('file-store');
    root = path.join(dir, 'warehouse');
    store = await openObjectStore(pathToFileURL(root).href, { cacheDir: path.join(dir, 'cache') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps objects as plain files under the root, with no temp files left behind', async () => {
    await store.put('bronze/retail/a.json', '{}');
    await store.putIfAbsent('bronze/retail/b.json', '{}');
    await store.putIfAbsent('bronze/retail/b.json', '{}');
    expect(store).toBeInstanceOf(FileObjectStore);
    expect(store.root).toBe(pathToFileURL(root).href);
    expect(readdirSync(path.join(root, 'bronze/retail')).sort()).toEqual(['a.json', 'b.json']);
    expect(await store.localPath('bronze/retail/a.json')).toBe(
      path.join(root, 'bronze/retail/a.json'),
    );
    expect(store.keyOf(path.join(root, 'bronze/retail/a.json'))).toBe('bronze/retail/a.json');
  });

  it('does not list temp files of writes in progress', async () => {
    mkdirSync(path.join(root, 't'), { recursive: true });
    writeFileSync(path.join(root, 't', '.x.json.0123456789ab.tmp'), 'partial');
    await store.put('t/x.json', 'done');
    const keys: string[] = [];
    for await (const info of store.list('')) keys.push(info.key);
    expect(keys).toEqual(['t/x.json']);
  });

  it('refuses symlinks inside the warehouse that lead outside it', async () => {
    const outside = path.join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, path.join(root, 'escape'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));
    const refused = expect.objectContaining({ code: 'PATH_OUTSIDE_WAREHOUSE' });

    await expect(store.get('escape/secret.txt')).rejects.toEqual(refused);
    await expect(store.get('secret-link.txt')).rejects.toEqual(refused);
    await expect(store.localPath('secret-link.txt')).rejects.toEqual(refused);
    await expect(store.getRange('escape/secret.txt', 0, 3)).rejects.toEqual(refused);
    await expect(store.head('escape/secret.txt')).rejects.toEqual(refused);
    await expect(store.put('escape/new.txt', 'x')).rejects.toEqual(refused);
    await expect(store.put('escape/deeper/new.txt', 'x')).rejects.toEqual(refused);
    await expect(store.putIfAbsent('escape/new.txt', 'x')).rejects.toEqual(refused);
    await expect(store.delete('escape/secret.txt')).rejects.toEqual(refused);
    await expect(
      (async () => {
        for await (const _ of store.list('escape/')) void _;
      })(),
    ).rejects.toEqual(refused);
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'deeper'))).toBe(false);
    expect(existsSync(path.join(outside, 'secret.txt'))).toBe(true);
  });

  it('moves a file from another filesystem by copying it', async () => {
    const shm = '/dev/shm';
    if (!existsSync(shm)) return;
    const source = mkdtempSync(path.join(shm, 'lakeward-exdev-'));
    try {
      writeFileSync(path.join(source, 'part.parquet'), 'across filesystems');
      await store.putFile('t/data/part.parquet', path.join(source, 'part.parquet'));
      expect(existsSync(path.join(source, 'part.parquet'))).toBe(false);
      expect(Buffer.from(await store.get('t/data/part.parquet')).toString()).toBe(
        'across filesystems',
      );
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

  it('explains a key that clashes with a folder of objects', async () => {
    await store.put('t/data/part-0.parquet', 'x');
    await expect(store.put('t/data', 'x')).rejects.toMatchObject({ code: 'OBJECT_KEY_CONFLICT' });
    await expect(store.put('t/data/part-0.parquet/inner', 'x')).rejects.toMatchObject({
      code: 'OBJECT_KEY_CONFLICT',
    });
    expect(store.keyOf(path.join(root, '..hidden'))).toBe('..hidden');
  });

  it('maps URIs outside the root to no key', () => {
    expect(store.keyOf(pathToFileURL(dir).href)).toBeUndefined();
    expect(store.keyOf(pathToFileURL(`${root}-sibling/x`).href)).toBeUndefined();
    expect(store.keyOf(store.root)).toBeUndefined();
  });
});

describe('openObjectStore', () => {
  const options = { cacheDir: os.tmpdir() };

  it('says s3:// is not available yet', async () => {
    await expect(openObjectStore('s3://bucket/prefix', options)).rejects.toMatchObject({
      code: 'UNSUPPORTED_STORAGE',
      message: expect.stringContaining('s3:// storage is not available yet'),
    });
  });

  it('lists the supported schemes for an unknown one', async () => {
    await expect(openObjectStore('ftp://host/x', options)).rejects.toMatchObject({
      code: 'UNSUPPORTED_STORAGE',
      hint: expect.stringContaining('memory://'),
    });
  });

  it('refuses relative folders and malformed file URIs', async () => {
    await expect(openObjectStore('lakehouse/warehouse', options)).rejects.toMatchObject({
      code: 'UNSUPPORTED_STORAGE',
    });
    await expect(openObjectStore('file://host/x', options)).rejects.toMatchObject({
      code: 'INVALID_WAREHOUSE',
    });
  });
});
