import type { Executor } from './executor.js';

/** Business metadata: certification, owner contacts, column descriptions, typed property definitions, change history. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface CatalogMetadataRepository {}

export function catalogMetadataRepository(_executor: Executor): CatalogMetadataRepository {
  return {};
}
