import type { Executor } from './executor.js';

/** The business glossary: terms, synonyms, hierarchy, related terms, links to tables and columns. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface GlossaryRepository {}

export function glossaryRepository(_executor: Executor): GlossaryRepository {
  return {};
}
