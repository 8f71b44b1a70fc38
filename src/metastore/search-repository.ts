import type { Executor } from './executor.js';

/** The search index (SQLite FTS5 / PostgreSQL full-text) and table usage. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface SearchRepository {}

export function searchRepository(_executor: Executor): SearchRepository {
  return {};
}
