import type { Executor } from './executor.js';

/** Data quality: rulesets, evaluations with per-rule results, profiles, metric history. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface QualityRepository {}

export function qualityRepository(_executor: Executor): QualityRepository {
  return {};
}
