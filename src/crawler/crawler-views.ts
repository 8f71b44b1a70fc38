import { formatNamespace } from '../catalog/index.js';
import type { CrawlerRecord, CrawlerRunRecord } from '../metastore/index.js';
import type { CrawlerView, CrawlReport, CrawlRunView } from './contract.js';

/** A crawler as callers see it: dotted namespace, times as ISO text. */
export function viewOf(c: CrawlerRecord): CrawlerView {
  return {
    name: c.name,
    description: c.description,
    owner: c.owner,
    targets: c.targets,
    exclude: c.exclude,
    namespace: formatNamespace(c.namespace),
    tablePrefix: c.tablePrefix,
    schedule: c.schedule,
    schemaChangePolicy: c.schemaChangePolicy,
    deletionPolicy: c.deletionPolicy,
    recrawl: c.recrawl,
    nextRunAt: c.nextRunAt?.toISOString() ?? null,
    running: c.runningRunId !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function runViewOf(r: CrawlerRunRecord): CrawlRunView {
  return {
    id: r.id,
    crawler: r.crawlerName,
    trigger: r.trigger,
    runAs: r.runAs,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    error: r.error,
    report: r.report as CrawlReport | null,
  };
}
