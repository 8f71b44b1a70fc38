import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore, openObjectStore } from '../../src/storage/index.js';
import { objectStoreContract } from './object-store.contract.js';

function cacheDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lakeward-memory-cache-'));
}

objectStoreContract('memory://', async () => {
  const dir = cacheDir();
  return {
    store: await openObjectStore('memory://contract', { cacheDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('memory:// warehouses', () => {
  it('are separate per opened store and named by the URI', async () => {
    const dir = cacheDir();
    const one = await openObjectStore('memory://scratch', { cacheDir: dir });
    const two = await openObjectStore('memory://scratch', { cacheDir: dir });
    await one.put('k', 'v');
    expect(one).toBeInstanceOf(MemoryObjectStore);
    expect(one.root).toBe('memory://scratch');
    expect(one.uri('bronze/k')).toBe('memory://scratch/bronze/k');
    expect(await two.head('k')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keep their objects when the caller changes the buffer it wrote', async () => {
    const dir = cacheDir();
    const store = await openObjectStore('memory://copies', { cacheDir: dir });
    const bytes = new Uint8Array([1, 2, 3]);
    await store.put('k', bytes);
    bytes[0] = 9;
    (await store.get('k'))[1] = 9;
    expect([...(await store.get('k'))]).toEqual([1, 2, 3]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a memory URI without a name', async () => {
    await expect(openObjectStore('memory://', { cacheDir: cacheDir() })).rejects.toMatchObject({
      code: 'INVALID_WAREHOUSE',
    });
  });
});
