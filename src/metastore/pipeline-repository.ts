import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { checkName, nowIso, toDate, toOptionalDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { PipelineJobsTable } from './pipeline-migration.js';
import { pipelineRunRepository } from './pipeline-run-repository.js';
import type { PipelineRunRepository } from './pipeline-run-repository.js';

export type * from './pipeline-run-repository.js';

/** A stored job; `definition` is the pipelines area's JSON document (everything but name and version). */
export interface PipelineJobRecord {
  id: string;
  name: string;
  definition: unknown;
  version: number;
  owner: string;
  /** The folder it was applied from; '' when made through the CLI or API. */
  source: string;
  nextRunAt: Date | null;
  activeRunId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PipelineJobVersionRecord {
  version: number;
  definition: unknown;
  changedBy: string;
  changedAt: Date;
}

/** Medallion jobs, their versions, runs and schedules. */
export interface PipelineRepository extends PipelineRunRepository {
  create(job: {
    name: string;
    owner: string;
    source: string;
    definition: unknown;
    nextRunAt: Date | null;
  }): Promise<PipelineJobRecord>;
  get(name: string): Promise<PipelineJobRecord | undefined>;
  /** By name. */
  list(): Promise<PipelineJobRecord[]>;
  /** A new version of the definition (version + 1, kept in the history), by `changedBy`. */
  update(
    name: string,
    change: { definition: unknown; source: string; nextRunAt: Date | null; changedBy: string },
  ): Promise<PipelineJobRecord>;
  /** Deletes the job with its history and runs; false when missing. */
  delete(name: string): Promise<boolean>;
  /** Every version of the definition, newest first. */
  versions(name: string): Promise<PipelineJobVersionRecord[]>;
  /** Jobs whose next scheduled run is due at `now`. */
  due(now: Date): Promise<PipelineJobRecord[]>;
  /**
   * Moves a due job's next run from `expected` to `next`; false when another process (or
   * an update) moved it first, so each due time is run once.
   */
  claimSchedule(name: string, expected: Date, next: Date | null): Promise<boolean>;
}

function jobNotFound(name: string): NotFound {
  return new NotFound('JOB_NOT_FOUND', `No job is named "${name}".`, {
    hint: 'List jobs with `lakeward jobs list` to see which exist.',
  });
}

function toJob(row: Selectable<PipelineJobsTable>): PipelineJobRecord {
  return {
    id: row.id,
    name: row.name,
    definition: JSON.parse(row.definition) as unknown,
    version: Number(row.version),
    owner: row.owner,
    source: row.source,
    nextRunAt: toOptionalDate(row.next_run_at),
    activeRunId: row.active_run_id,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function pipelineRepository(executor: Executor): PipelineRepository {
  const { db } = executor;
  const jobRow = (tx: Kysely<Database>, name: string) =>
    tx.selectFrom('pipeline_jobs').selectAll().where('name', '=', name).executeTakeFirst();
  const required = async (tx: Kysely<Database>, name: string) => {
    const found = await jobRow(tx, name);
    if (found === undefined) throw jobNotFound(name);
    return found;
  };
  return {
    ...pipelineRunRepository(executor, required),

    async create(job) {
      const now = nowIso();
      const values = {
        id: randomUUID(),
        name: checkName(job.name, 'job'),
        definition: JSON.stringify(job.definition),
        version: 1,
        owner: job.owner,
        source: job.source,
        next_run_at: job.nextRunAt?.toISOString() ?? null,
        active_run_id: null,
        active_since: null,
        created_at: now,
        updated_at: now,
      };
      await translateConstraints(
        () =>
          executor.atomic(async (tx) => {
            await tx.insertInto('pipeline_jobs').values(values).execute();
            await tx
              .insertInto('pipeline_job_versions')
              .values({
                job_id: values.id,
                version: 1,
                definition: values.definition,
                changed_by: job.owner,
                changed_at: now,
              })
              .execute();
          }),
        {
          unique: () =>
            new AlreadyExists('JOB_ALREADY_EXISTS', `A job named "${job.name}" already exists.`, {
              hint: 'Choose another name, or update the existing job (lakeward jobs update).',
            }),
        },
      );
      return toJob(values);
    },

    async get(name) {
      const found = await jobRow(db, name);
      return found === undefined ? undefined : toJob(found);
    },

    async list() {
      const rows = await db.selectFrom('pipeline_jobs').selectAll().execute();
      return rows.map(toJob).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async update(name, change) {
      return executor.atomic(async (tx) => {
        const found = await required(tx, name);
        const now = nowIso();
        const set = {
          definition: JSON.stringify(change.definition),
          version: Number(found.version) + 1,
          source: change.source,
          next_run_at: change.nextRunAt?.toISOString() ?? null,
          updated_at: now,
        };
        // The version read above must still be current, so two concurrent updates cannot both be version n + 1.
        const updated = await tx
          .updateTable('pipeline_jobs')
          .set(set)
          .where('id', '=', found.id)
          .where('version', '=', Number(found.version))
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) throw jobNotFound(name);
        await tx
          .insertInto('pipeline_job_versions')
          .values({
            job_id: found.id,
            version: set.version,
            definition: set.definition,
            changed_by: change.changedBy,
            changed_at: now,
          })
          .execute();
        return toJob({ ...found, ...set });
      });
    },

    async delete(name) {
      return executor.atomic(async (tx) => {
        const found = await jobRow(tx, name);
        if (found === undefined) return false;
        await tx.deleteFrom('pipeline_runs').where('job_id', '=', found.id).execute();
        await tx.deleteFrom('pipeline_job_versions').where('job_id', '=', found.id).execute();
        await tx.deleteFrom('pipeline_jobs').where('id', '=', found.id).execute();
        return true;
      });
    },

    async versions(name) {
      const { id } = await required(db, name);
      const rows = await db
        .selectFrom('pipeline_job_versions')
        .selectAll()
        .where('job_id', '=', id)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((r) => ({
        version: Number(r.version),
        definition: JSON.parse(r.definition) as unknown,
        changedBy: r.changed_by,
        changedAt: toDate(r.changed_at),
      }));
    },

    async due(now) {
      const rows = await db
        .selectFrom('pipeline_jobs')
        .selectAll()
        .where('next_run_at', 'is not', null)
        .where('next_run_at', '<=', now.toISOString())
        .execute();
      return rows.map(toJob);
    },

    async claimSchedule(name, expected, next) {
      const result = await db
        .updateTable('pipeline_jobs')
        .set({ next_run_at: next?.toISOString() ?? null })
        .where('name', '=', name)
        .where('next_run_at', '=', expected.toISOString())
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  };
}
