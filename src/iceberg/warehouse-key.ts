import { InvalidInput } from '../errors/index.js';
import type { ObjectStore } from '../storage/index.js';

/** The store key of a URI recorded in table metadata; tables only reference their own warehouse. */
export function keyInWarehouse(store: ObjectStore, uri: string): string {
  const key = store.keyOf(uri);
  if (key === undefined) {
    throw new InvalidInput(
      'FILE_OUTSIDE_WAREHOUSE',
      `${uri} is not inside the warehouse ${store.root}.`,
      {
        hint: 'tables may only reference files stored in their own warehouse',
      },
    );
  }
  return key;
}
