import type { Executor } from './executor.js';

/** Lineage: datasets, jobs, runs and table/column edges (ours and OpenLineage imports). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface LineageRepository {}

export function lineageRepository(_executor: Executor): LineageRepository {
  return {};
}
