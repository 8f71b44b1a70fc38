import type { Executor } from './executor.js';

/** External tables: raw files registered in place (location, format, options). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface ExternalTableRepository {}

export function externalTableRepository(_executor: Executor): ExternalTableRepository {
  return {};
}
