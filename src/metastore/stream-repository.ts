import type { Executor } from './executor.js';

/** Stream definitions and their state (filled in by the streams work of issue 6). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StreamRepository {}

export function streamRepository(executor: Executor): StreamRepository {
  void executor;
  return {};
}
