import { appendQuery } from '../engine/index.js';
import { rejectedRowsSql } from './batch-sql.js';
import { openRejectsTable } from './bronze-table.js';
import type { BatchJob } from './ingest-job.js';
import { SUMMARY_KEYS } from './loaded-files.js';
import type { RejectsSink } from './source-read.js';

/**
 * Rejected rows go to <table>__rejects after the data commit, in a commit of their
 * own: they describe the batch, so the data never waits on them.
 */
export async function writeRejects(job: BatchJob, sink: RejectsSink): Promise<void> {
  const rejects = await openRejectsTable(
    job.deps.catalog,
    job.request.table,
    job.facts.sourceSystem,
    job.request.owner,
  );
  await appendQuery(job.session, rejects, rejectedRowsSql(sink, job.facts), {
    tempDir: job.scratch,
    targetFileSizeBytes: job.deps.config.ingest.targetFileSizeBytes,
    summary: {
      [SUMMARY_KEYS.batchId]: job.facts.batchId,
      [SUMMARY_KEYS.sourceSystem]: job.facts.sourceSystem,
    },
  });
}
