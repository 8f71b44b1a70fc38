import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { nowIso, toDate, toOptionalDate } from './codec.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { PipelineJobsTable, PipelineRunsTable } from './pipeline-migration.js';

export type PipelineRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type PipelineRunTrigger = 'manual' | 'schedule' | 'upstream';

export interface PipelineAttemptRecord {
  attempt: number;
  startedAt: string;
  endedAt: string | null;
  status: 'running' | 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
}

export interface PipelineRunRecord {
  id: string;
  jobName: string;
  jobVersion: number;
  trigger: PipelineRunTrigger;
  runAs: string;
  status: PipelineRunStatus;
  reason: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  attempts: PipelineAttemptRecord[];
  /** The last attempt's outcome as the pipelines area wrote it (JSON); null before it ends. */
  outcome: unknown;
}

export interface NewPipelineRun {
  trigger: PipelineRunTrigger;
  runAs: string;
  reason: string | null;
}

/** The runs of medallion jobs: queued one per job at a time, started once, ended with their outcome. */
export interface PipelineRunRepository {
  /**
   * Queues a run unless one of the same job is queued or running (one active before
   * staleBefore counts as abandoned by a stopped process and is failed); undefined if refused.
   */
  queueRun(
    name: string,
    run: NewPipelineRun & { staleBefore: Date },
  ): Promise<PipelineRunRecord | undefined>;
  /** A run that did not happen (an upstream failed): recorded as skipped, nothing claimed. */
  recordSkipped(name: string, run: NewPipelineRun): Promise<PipelineRunRecord>;
  /** Moves a queued run to running; undefined when another process took it first. */
  startRun(id: string): Promise<PipelineRunRecord | undefined>;
  saveAttempts(id: string, attempts: PipelineAttemptRecord[]): Promise<void>;
  /** Ends a run and frees its job for the next one. */
  finishRun(
    id: string,
    end: { status: 'succeeded' | 'failed'; attempts: PipelineAttemptRecord[]; outcome: unknown },
  ): Promise<PipelineRunRecord>;
  getRun(id: string): Promise<PipelineRunRecord | undefined>;
  /** Newest first. */
  listRuns(name: string, limit: number): Promise<PipelineRunRecord[]>;
  /** The newest run of the job with one of these statuses. */
  latestRun(name: string, statuses: PipelineRunStatus[]): Promise<PipelineRunRecord | undefined>;
  /** Runs still queued that were queued at or before `before` (nobody started them). */
  queuedRuns(before: Date): Promise<PipelineRunRecord[]>;
}

function toRun(row: Selectable<PipelineRunsTable>): PipelineRunRecord {
  return {
    id: row.id,
    jobName: row.job_name,
    jobVersion: Number(row.job_version),
    trigger: row.trigger as PipelineRunTrigger,
    runAs: row.run_as,
    status: row.status as PipelineRunStatus,
    reason: row.reason,
    queuedAt: toDate(row.queued_at),
    startedAt: toOptionalDate(row.started_at),
    endedAt: toOptionalDate(row.ended_at),
    attempts: JSON.parse(row.attempts) as PipelineAttemptRecord[],
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as unknown),
  };
}

/** `required` finds a job's row (or throws its not-found error) inside a transaction. */
export function pipelineRunRepository(
  executor: Executor,
  required: (tx: Kysely<Database>, name: string) => Promise<Selectable<PipelineJobsTable>>,
): PipelineRunRepository {
  const { db } = executor;
  const runRow = (tx: Kysely<Database>, id: string) =>
    tx.selectFrom('pipeline_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const newRun = (
    job: Selectable<PipelineJobsTable>,
    run: NewPipelineRun,
    status: PipelineRunStatus,
  ) => {
    const now = nowIso();
    return {
      id: randomUUID(),
      job_id: job.id,
      job_name: job.name,
      job_version: Number(job.version),
      trigger: run.trigger,
      run_as: run.runAs,
      status,
      reason: run.reason,
      queued_at: now,
      started_at: null,
      ended_at: status === 'skipped' ? now : null,
      attempts: '[]',
      outcome: null,
    };
  };

  return {
    async queueRun(name, run) {
      return executor.atomic(async (tx) => {
        const found = await required(tx, name);
        const values = newRun(found, run, 'queued');
        // One conditional update decides, so two processes cannot both queue a run.
        const claimed = await tx
          .updateTable('pipeline_jobs')
          .set({ active_run_id: values.id, active_since: values.queued_at })
          .where('id', '=', found.id)
          .where((eb) =>
            eb.or([
              eb('active_run_id', 'is', null),
              eb('active_since', '<', run.staleBefore.toISOString()),
            ]),
          )
          .executeTakeFirst();
        if (claimed.numUpdatedRows === 0n) return undefined;
        if (found.active_run_id !== null) {
          await tx
            .updateTable('pipeline_runs')
            .set({
              status: 'failed',
              ended_at: values.queued_at,
              reason: 'abandoned: the process running it stopped',
            })
            .where('id', '=', found.active_run_id)
            .where('status', 'in', ['queued', 'running'])
            .execute();
        }
        await tx.insertInto('pipeline_runs').values(values).execute();
        return toRun(values);
      });
    },

    async recordSkipped(name, run) {
      const found = await required(db, name);
      const values = newRun(found, run, 'skipped');
      await db.insertInto('pipeline_runs').values(values).execute();
      return toRun(values);
    },

    async startRun(id) {
      const now = nowIso();
      const started = await db
        .updateTable('pipeline_runs')
        .set({ status: 'running', started_at: now })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (started.numUpdatedRows === 0n) return undefined;
      await db
        .updateTable('pipeline_jobs')
        .set({ active_since: now })
        .where('active_run_id', '=', id)
        .execute();
      return toRun(await runRow(db, id));
    },

    async saveAttempts(id, attempts) {
      await db
        .updateTable('pipeline_runs')
        .set({ attempts: JSON.stringify(attempts) })
        .where('id', '=', id)
        .execute();
    },

    async finishRun(id, end) {
      return executor.atomic(async (tx) => {
        await tx
          .updateTable('pipeline_runs')
          .set({
            status: end.status,
            ended_at: nowIso(),
            attempts: JSON.stringify(end.attempts),
            outcome: JSON.stringify(end.outcome),
          })
          .where('id', '=', id)
          .execute();
        await tx
          .updateTable('pipeline_jobs')
          .set({ active_run_id: null, active_since: null })
          .where('active_run_id', '=', id)
          .execute();
        return toRun(await runRow(tx, id));
      });
    },

    async getRun(id) {
      const found = await db
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return found === undefined ? undefined : toRun(found);
    },

    async listRuns(name, limit) {
      const { id } = await required(db, name);
      const rows = await db
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('job_id', '=', id)
        .orderBy('queued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async latestRun(name, statuses) {
      if (statuses.length === 0) return undefined;
      const found = await db
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('job_name', '=', name)
        .where('status', 'in', statuses)
        .orderBy('queued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return found === undefined ? undefined : toRun(found);
    },

    async queuedRuns(before) {
      const rows = await db
        .selectFrom('pipeline_runs')
        .selectAll()
        .where('status', '=', 'queued')
        .where('queued_at', '<=', before.toISOString())
        .orderBy('queued_at')
        .execute();
      return rows.map(toRun);
    },
  };
}
