import type { Executor } from './executor.js';

/** Volumes of unstructured files and the metadata extracted from each file. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface VolumeRepository {}

export function volumeRepository(_executor: Executor): VolumeRepository {
  return {};
}
