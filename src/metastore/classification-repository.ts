import type { Executor } from './executor.js';

/** Sensitive-data classification suggestions and their review. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface ClassificationRepository {}

export function classificationRepository(_executor: Executor): ClassificationRepository {
  return {};
}
