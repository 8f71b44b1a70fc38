import type { ObjectStore } from '../storage/index.js';

/** The trailing slash keeps `bronze/x/t` from matching `bronze/x/t2`. */
function folder(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}

export async function hasObjectsUnder(store: ObjectStore, location: string): Promise<boolean> {
  for await (const _ of store.list(folder(location))) return true;
  return false;
}

export async function deleteObjectsUnder(store: ObjectStore, location: string): Promise<number> {
  const keys: string[] = [];
  for await (const info of store.list(folder(location))) keys.push(info.key);
  for (const key of keys) await store.delete(key);
  return keys.length;
}
