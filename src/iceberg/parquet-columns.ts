import type { ObjectStore } from '../storage/index.js';
import { readParquetFooter } from './parquet-footer.js';

/** Data files never change once written, so what their footers say can be kept. */
const CACHE_LIMIT = 20_000;
const cache = new Map<string, Map<number, string>>();

/**
 * The top-level columns of a Parquet data file, by field id (columns without an id
 * are left out). Readers use it to tell whether a file's names are the schema's own.
 */
export async function parquetTopLevelColumns(
  store: ObjectStore,
  key: string,
): Promise<Map<number, string>> {
  const uri = store.uri(key);
  const known = cache.get(uri);
  if (known) return known;
  const { metadata } = await readParquetFooter(store, key);
  const columns = new Map<number, string>();
  const elements = metadata.schema;
  let index = 1;
  for (let child = 0; child < (elements[0]?.num_children ?? 0); child++) {
    const element = elements[index];
    if (!element) break;
    if (element.field_id !== undefined) columns.set(element.field_id, element.name);
    index = skipSubtree(elements, index);
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(uri, columns);
  return columns;
}

function skipSubtree(elements: { num_children?: number }[], index: number): number {
  let next = index + 1;
  for (let child = 0; child < (elements[index]?.num_children ?? 0); child++) {
    next = skipSubtree(elements, next);
  }
  return next;
}
