import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInfo, ObjectStore } from '../../src/storage/index.js';

export interface OpenedStore {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

async function keysOf(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** A stream that yields slowly, so a reader can look at the object while it is being written. */
function slowStream(fill: number, chunks: number, chunkBytes: number): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < chunks; i++) {
        await sleep(2);
        yield Buffer.alloc(chunkBytes, fill);
      }
    })(),
  );
}

function expectCode(code: string) {
  return expect.objectContaining({ code });
}

/** The behaviour every ObjectStore must have; each implementation's test file runs it. */
export function objectStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let opened: OpenedStore;
    let store: ObjectStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => opened.cleanup());

    it('reads back what was written, as bytes or text, and overwrites whole objects', async () => {
      await store.put('bronze/retail/a.bin', new Uint8Array([0, 1, 2, 255]));
      await store.put('bronze/retail/b.json', '{"é": 1}');
      expect([...(await store.get('bronze/retail/a.bin'))]).toEqual([0, 1, 2, 255]);
      expect(text(await store.get('bronze/retail/b.json'))).toBe('{"é": 1}');
      await store.put('bronze/retail/b.json', 'x');
      expect(text(await store.get('bronze/retail/b.json'))).toBe('x');
    });

    it('reports a missing object as OBJECT_NOT_FOUND on every read', async () => {
      await expect(store.get('nope/missing.parquet')).rejects.toEqual(
        expectCode('OBJECT_NOT_FOUND'),
      );
      await expect(store.getRange('nope', 0, 4)).rejects.toEqual(expectCode('OBJECT_NOT_FOUND'));
      await expect(store.getStream('nope')).rejects.toEqual(expectCode('OBJECT_NOT_FOUND'));
      await expect(store.localPath('nope')).rejects.toEqual(expectCode('OBJECT_NOT_FOUND'));
      expect(await store.head('nope')).toBeUndefined();
    });

    it('reads byte ranges such as a Parquet footer, clamped to the object size', async () => {
      await store.put('f.parquet', 'PAR1-body-footer-PAR1');
      expect(text(await store.getRange('f.parquet', 0, 4))).toBe('PAR1');
      expect(text(await store.getRange('f.parquet', 17, 21))).toBe('PAR1');
      expect(text(await store.getRange('f.parquet', 17, 1000))).toBe('PAR1');
      expect((await store.getRange('f.parquet', 5, 5)).length).toBe(0);
      await expect(store.getRange('f.parquet', 5, 2)).rejects.toEqual(expectCode('INVALID_RANGE'));
    });

    it('streams objects in and out', async () => {
      const parts = ['line 1\n', 'line 2\n', 'line 3\n'];
      await store.putStream('logs/out.txt', Readable.from(parts.map((p) => Buffer.from(p))));
      expect(await readAll(await store.getStream('logs/out.txt'))).toBe(parts.join(''));
    });

    it('moves a finished local file into the store and removes the local copy', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-putfile-'));
      const local = path.join(dir, 'part-0.parquet');
      writeFileSync(local, 'staged data');
      await store.putFile('silver/t/data/part-0.parquet', local);
      expect(existsSync(local)).toBe(false);
      expect(text(await store.get('silver/t/data/part-0.parquet'))).toBe('staged data');
    });

    it('writes with putIfAbsent only when nothing is there', async () => {
      expect(await store.putIfAbsent('t/metadata/v1.json', 'first')).toBe(true);
      expect(await store.putIfAbsent('t/metadata/v1.json', 'second')).toBe(false);
      expect(text(await store.get('t/metadata/v1.json'))).toBe('first');
    });

    it('lets exactly one of many concurrent putIfAbsent calls win', async () => {
      const attempts = Array.from({ length: 25 }, (_, i) =>
        store.putIfAbsent('t/metadata/v2.json', `writer ${i}`),
      );
      const results = await Promise.all(attempts);
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(text(await store.get('t/metadata/v2.json'))).toBe(`writer ${winners[0]}`);
    });

    it('never shows a reader a partly written object while a big put is in flight', async () => {
      const chunks = 32;
      const chunkBytes = 64 * 1024;
      await store.put('big.bin', Buffer.alloc(chunks * chunkBytes, 1));
      let writing = true;
      const put = store.putStream('big.bin', slowStream(2, chunks, chunkBytes)).finally(() => {
        writing = false;
      });
      const seen = new Set<string>();
      let reads = 0;
      while (writing) {
        reads += 1;
        const bytes = await store.get('big.bin');
        const uniform = bytes.every((b) => b === bytes[0]);
        seen.add(`${bytes.length}:${uniform ? bytes[0] : 'mixed'}`);
        await sleep(1);
      }
      await put;
      const size = chunks * chunkBytes;
      expect(reads).toBeGreaterThan(5);
      expect([...seen].filter((s) => s !== `${size}:1` && s !== `${size}:2`)).toEqual([]);
      expect((await store.get('big.bin'))[0]).toBe(2);
    });

    it('keeps the old object when a streamed put fails midway', async () => {
      await store.put('t/data.csv', 'old');
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('new partial');
          throw new Error('upload interrupted');
        })(),
      );
      await expect(store.putStream('t/data.csv', failing)).rejects.toThrow('upload interrupted');
      expect(text(await store.get('t/data.csv'))).toBe('old');
      expect(await keysOf(store, 't/')).toEqual(['t/data.csv']);
    });

    it('handles keys with spaces, URI characters and non-ASCII names', async () => {
      const key = 'bronze/raw files/päivä #1 %20 & more.csv';
      await store.put(key, 'ok');
      expect(store.keyOf(store.uri(key))).toBe(key);
      expect(await keysOf(store, 'bronze/raw files/')).toEqual([key]);
      expect(text(await store.get(key))).toBe('ok');
    });

    it('describes objects with head', async () => {
      const before = Date.now() - 2000;
      await store.put('gold/m/x.json', '12345');
      const info = (await store.head('gold/m/x.json')) as ObjectInfo;
      expect(info.key).toBe('gold/m/x.json');
      expect(info.size).toBe(5);
      expect(info.lastModified.getTime()).toBeGreaterThanOrEqual(before);
      expect(await store.head('gold/m')).toBeUndefined();
    });

    it('lists objects under a prefix in key order', async () => {
      const keys = ['a/x', 'a-b', 'ab', 'a/y/z', 'b/1', 'a/y0', 'a.txt', 'data/part-1', 'data2/p'];
      for (const key of keys) await store.put(key, key);
      expect(await keysOf(store, '')).toEqual([...keys].sort());
      expect(await keysOf(store, 'a/')).toEqual(['a/x', 'a/y/z', 'a/y0']);
      expect(await keysOf(store, 'a/y')).toEqual(['a/y/z', 'a/y0']);
      expect(await keysOf(store, 'data')).toEqual(['data/part-1', 'data2/p']);
      expect(await keysOf(store, 'data/')).toEqual(['data/part-1']);
      expect(await keysOf(store, 'missing/')).toEqual([]);
      const [first] = await (async () => {
        const infos: ObjectInfo[] = [];
        for await (const info of store.list('b/')) infos.push(info);
        return infos;
      })();
      expect(first).toMatchObject({ key: 'b/1', size: 3 });
    });

    it('deletes objects, and deleting a missing object is not an error', async () => {
      await store.put('t/data/old.parquet', 'old');
      await store.delete('t/data/old.parquet');
      expect(await store.head('t/data/old.parquet')).toBeUndefined();
      await expect(store.get('t/data/old.parquet')).rejects.toEqual(expectCode('OBJECT_NOT_FOUND'));
      await store.delete('t/data/old.parquet');
      expect(await keysOf(store, 't/')).toEqual([]);
    });

    it('gives each key a full URI and maps URIs back to keys', async () => {
      const uri = store.uri('bronze/retail/invoices/metadata/00001.metadata.json');
      expect(uri.startsWith(store.root)).toBe(true);
      expect(store.keyOf(uri)).toBe('bronze/retail/invoices/metadata/00001.metadata.json');
      expect(store.keyOf('s3://elsewhere/bronze/x')).toBeUndefined();
      expect(store.keyOf(`${store.root}-other/x`)).toBeUndefined();
    });

    it('hands engines a local file holding the object', async () => {
      await store.put('t/data/p.csv', 'a,b\n1,2\n');
      const file = await store.localPath('t/data/p.csv');
      expect(path.isAbsolute(file)).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('a,b\n1,2\n');
      await store.put('t/data/p.csv', 'a,b\n3,4\n');
      expect(readFileSync(await store.localPath('t/data/p.csv'), 'utf8')).toBe('a,b\n3,4\n');
    });

    it('refuses keys that would leave the warehouse', async () => {
      const bad = ['../outside', 'a/../../b', '/etc/passwd', 'a\\..\\b', 'a\0b', ''];
      for (const key of bad) {
        await expect(store.put(key, 'x'), key).rejects.toEqual(
          expectCode('PATH_OUTSIDE_WAREHOUSE'),
        );
        await expect(store.get(key), key).rejects.toEqual(expectCode('PATH_OUTSIDE_WAREHOUSE'));
        await expect(store.head(key), key).rejects.toEqual(expectCode('PATH_OUTSIDE_WAREHOUSE'));
        await expect(store.delete(key), key).rejects.toEqual(expectCode('PATH_OUTSIDE_WAREHOUSE'));
        expect(() => store.uri(key), key).toThrow(
          expect.objectContaining({ code: 'PATH_OUTSIDE_WAREHOUSE' }),
        );
      }
      await expect(keysOf(store, '../')).rejects.toEqual(expectCode('PATH_OUTSIDE_WAREHOUSE'));
      await expect(store.putIfAbsent('../x', 'x')).rejects.toEqual(
        expectCode('PATH_OUTSIDE_WAREHOUSE'),
      );
    });
  });
}
