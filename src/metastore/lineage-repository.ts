import type { Selectable } from 'kysely';
import { AlreadyExists } from '../errors/index.js';
import { nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Executor } from './executor.js';
import type { LineageModelsTable, LineageRunsTable } from './lineage-migration.js';
import { nonEmptyPathText, parsePath } from './securable-codec.js';

export interface LineageRunRecord {
  runId: string;
  jobNamespace: string;
  job: string;
  jobVersion: number | null;
  eventType: string;
  at: Date;
  sql: string | null;
  /** 'lakeward' or 'openlineage'. */
  origin: string;
  producer: string | null;
  error: string | null;
  recordedBy: string;
}

export type NewLineageRun = Omit<LineageRunRecord, 'at'> & { at: string };

/** Dataset to dataset when the columns are null, column to column otherwise. */
export interface LineageEdgeRecord {
  source: string;
  sourceColumn: string | null;
  target: string;
  targetColumn: string | null;
  transformation: string | null;
}

/** An edge as it stands now, with the run and job that made it. */
export interface CurrentLineageEdge extends LineageEdgeRecord {
  runId: string;
  jobNamespace: string;
  job: string;
  jobVersion: number | null;
}

export interface LineageModelRecord {
  tablePath: string[];
  modelId: string;
  owner: string;
  description: string | null;
  url: string | null;
  addedBy: string;
  addedAt: Date;
}

/** Lineage: datasets, jobs, runs and table/column edges (ours and OpenLineage imports). */
export interface LineageRepository {
  /**
   * Records (or moves on: START then COMPLETE share a run id) a run; edges, when given,
   * replace the run's edges.
   */
  recordRun(run: NewLineageRun, edges?: LineageEdgeRecord[]): Promise<void>;
  /** The job's runs, newest first. */
  runs(jobNamespace: string, job: string, limit: number): Promise<LineageRunRecord[]>;
  /** The edges of each job's latest COMPLETE run: the graph as it stands. */
  currentEdges(): Promise<CurrentLineageEdge[]>;
  /** AlreadyExists LINEAGE_MODEL_EXISTS when the table already lists the model. */
  addModel(model: Omit<LineageModelRecord, 'addedAt'>): Promise<LineageModelRecord>;
  /** False when the table did not list the model. */
  removeModel(tablePath: string[], modelId: string): Promise<boolean>;
  modelsOf(tablePath: string[]): Promise<LineageModelRecord[]>;
  allModels(): Promise<LineageModelRecord[]>;
  /**
   * Gives every edge end (source or target id) that `rename` maps a new id, in one
   * transaction, so a renamed table keeps its history; answers how many ids moved.
   */
  renameNodes(rename: (id: string) => string | undefined): Promise<number>;
}

function toRun(row: Selectable<LineageRunsTable>): LineageRunRecord {
  return {
    runId: row.run_id,
    jobNamespace: row.job_namespace,
    job: row.job,
    jobVersion: row.job_version === null ? null : Number(row.job_version),
    eventType: row.event_type,
    at: toDate(row.at),
    sql: row.sql,
    origin: row.origin,
    producer: row.producer,
    error: row.error,
    recordedBy: row.recorded_by,
  };
}

function toModel(row: Selectable<LineageModelsTable>): LineageModelRecord {
  return {
    tablePath: parsePath(row.table_path),
    modelId: row.model_id,
    owner: row.owner,
    description: row.description,
    url: row.url,
    addedBy: row.added_by,
    addedAt: toDate(row.added_at),
  };
}

const byModel = (a: LineageModelRecord, b: LineageModelRecord) =>
  a.tablePath.join('.').localeCompare(b.tablePath.join('.')) || a.modelId.localeCompare(b.modelId);

export function lineageRepository(executor: Executor): LineageRepository {
  const { db } = executor;
  return {
    async recordRun(run, edges) {
      const row = {
        run_id: run.runId,
        job_namespace: run.jobNamespace,
        job: run.job,
        job_version: run.jobVersion,
        event_type: run.eventType,
        at: run.at,
        sql: run.sql,
        origin: run.origin,
        producer: run.producer,
        error: run.error,
        recorded_by: run.recordedBy,
      };
      await executor.atomic(async (tx) => {
        const { run_id: _id, ...rest } = row;
        await tx
          .insertInto('lineage_runs')
          .values(row)
          .onConflict((oc) => oc.column('run_id').doUpdateSet(rest))
          .execute();
        if (edges === undefined) return;
        await tx.deleteFrom('lineage_edges').where('run_id', '=', run.runId).execute();
        if (edges.length === 0) return;
        await tx
          .insertInto('lineage_edges')
          .values(
            edges.map((e) => ({
              run_id: run.runId,
              source: e.source,
              source_column: e.sourceColumn ?? '',
              target: e.target,
              target_column: e.targetColumn ?? '',
              transformation: e.transformation ?? '',
            })),
          )
          .execute();
      });
    },

    async runs(jobNamespace, job, limit) {
      const rows = await db
        .selectFrom('lineage_runs')
        .selectAll()
        .where('job_namespace', '=', jobNamespace)
        .where('job', '=', job)
        .execute();
      return rows
        .map(toRun)
        .sort((a, b) => b.at.getTime() - a.at.getTime())
        .slice(0, limit);
    },

    async currentEdges() {
      // Each job's latest COMPLETE run, found by the database (times compare as times on
      // PostgreSQL and as same-shaped ISO text on SQLite).
      const latest = db
        .selectFrom('lineage_runs')
        .select(['job_namespace', 'job', (eb) => eb.fn.max('at').as('latest')])
        .where('event_type', '=', 'COMPLETE')
        .groupBy(['job_namespace', 'job']);
      const rows = await db
        .selectFrom('lineage_runs as r')
        .innerJoin(latest.as('l'), (join) =>
          join
            .onRef('r.job_namespace', '=', 'l.job_namespace')
            .onRef('r.job', '=', 'l.job')
            .onRef('r.at', '=', 'l.latest'),
        )
        .innerJoin('lineage_edges as e', 'e.run_id', 'r.run_id')
        .where('r.event_type', '=', 'COMPLETE')
        .select([
          'r.run_id',
          'r.job_namespace',
          'r.job',
          'r.job_version',
          'e.source',
          'e.source_column',
          'e.target',
          'e.target_column',
          'e.transformation',
        ])
        .execute();
      return rows.map((row) => ({
        runId: row.run_id,
        jobNamespace: row.job_namespace,
        job: row.job,
        jobVersion: row.job_version === null ? null : Number(row.job_version),
        source: row.source,
        sourceColumn: row.source_column === '' ? null : row.source_column,
        target: row.target,
        targetColumn: row.target_column === '' ? null : row.target_column,
        transformation: row.transformation === '' ? null : row.transformation,
      }));
    },

    async addModel(model) {
      const row = {
        table_path: nonEmptyPathText(model.tablePath),
        model_id: model.modelId,
        owner: model.owner,
        description: model.description,
        url: model.url,
        added_by: model.addedBy,
        added_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('lineage_models').values(row).execute(), {
        unique: () =>
          new AlreadyExists(
            'LINEAGE_MODEL_EXISTS',
            `Model "${model.modelId}" is already listed as a consumer of ${model.tablePath.join('.')}.`,
            { hint: 'Remove it first to change its owner or description.' },
          ),
      });
      return toModel(row);
    },

    async removeModel(tablePath, modelId) {
      const result = await db
        .deleteFrom('lineage_models')
        .where('table_path', '=', nonEmptyPathText(tablePath))
        .where('model_id', '=', modelId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async modelsOf(tablePath) {
      const rows = await db
        .selectFrom('lineage_models')
        .selectAll()
        .where('table_path', '=', nonEmptyPathText(tablePath))
        .execute();
      return rows.map(toModel).sort(byModel);
    },

    async allModels() {
      const rows = await db.selectFrom('lineage_models').selectAll().execute();
      return rows.map(toModel).sort(byModel);
    },

    async renameNodes(rename) {
      return executor.atomic(async (tx) => {
        let moved = 0;
        for (const end of ['source', 'target'] as const) {
          const ids = await tx.selectFrom('lineage_edges').select(end).distinct().execute();
          for (const { [end]: id } of ids) {
            const to = rename(id);
            if (to === undefined || to === id) continue;
            await tx
              .updateTable('lineage_edges')
              .set({ [end]: to })
              .where(end, '=', id)
              .execute();
            moved++;
          }
        }
        return moved;
      });
    },
  };
}
