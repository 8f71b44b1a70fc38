import type { Executor } from './executor.js';

/** Crawlers, their schedules and runs. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface CrawlerRepository {}

export function crawlerRepository(_executor: Executor): CrawlerRepository {
  return {};
}
