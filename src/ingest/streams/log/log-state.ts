import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../../../storage/index.js';
import type { KeyedAppend } from './key-window.js';

/**
 * Two small files beside the segments, each replaced atomically (temp + fsync + rename):
 * `released` (the sequence up to which records are committed and forgotten) on every
 * release, and `keys.json` (idempotency keys of deleted segments) before segments are
 * deleted, so a producer's retry is recognised after its records are gone.
 */
const RELEASED_FILE = 'released';
const KEYS_FILE = 'keys.json';

type StoredKey = [key: string, first: string, last: string, at: number];

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readReleased(dir: string): Promise<bigint> {
  const text = await readIfPresent(path.join(dir, RELEASED_FILE));
  return text === undefined ? 0n : BigInt(text.trim());
}

export async function writeReleased(dir: string, sequence: bigint): Promise<void> {
  await writeAtomically(path.join(dir, RELEASED_FILE), async (h) => {
    await h.writeFile(sequence.toString());
  });
}

export async function readKeys(dir: string): Promise<Array<[string, KeyedAppend]>> {
  const text = await readIfPresent(path.join(dir, KEYS_FILE));
  if (text === undefined) return [];
  const stored = JSON.parse(text) as StoredKey[];
  return stored.map(([key, first, last, at]) => [
    key,
    { first: BigInt(first), last: BigInt(last), at },
  ]);
}

export async function writeKeys(dir: string, keys: Array<[string, KeyedAppend]>): Promise<void> {
  const stored: StoredKey[] = keys.map(([key, v]) => [
    key,
    v.first.toString(),
    v.last.toString(),
    v.at,
  ]);
  await writeAtomically(path.join(dir, KEYS_FILE), async (h) => {
    await h.writeFile(JSON.stringify(stored));
  });
}
