import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../../src/catalog/index.js';
import { openMetastore } from '../../src/metastore/index.js';
import type { Metastore } from '../../src/metastore/index.js';
import { openObjectStore } from '../../src/storage/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

export interface TempCatalog {
  dir: string;
  store: ObjectStore;
  metastore: Metastore;
  catalog: Catalog;
  close(): Promise<void>;
}

/** A bootstrapped catalog over a real file warehouse and a real SQLite metastore. */
export async function tempCatalog(): Promise<TempCatalog> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-catalog-'));
  const store = await openObjectStore(path.join(dir, 'warehouse'), {
    cacheDir: path.join(dir, 'cache'),
  });
  const metastore = await openMetastore(`sqlite:${path.join(dir, 'metastore.db')}`);
  const catalog = new Catalog({ metastore, store });
  await catalog.bootstrap();
  return {
    dir,
    store,
    metastore,
    catalog,
    async close() {
      await metastore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}
