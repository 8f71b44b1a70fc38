import type { Executor } from './executor.js';

/** Medallion jobs, their versions, runs and schedules. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface PipelineRepository {}

export function pipelineRepository(_executor: Executor): PipelineRepository {
  return {};
}
