import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists } from '../errors/index.js';
import { checkName, nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Executor } from './executor.js';
import type { QualityRulesetsTable, QualityRunsTable } from './quality-migration.js';
import { nonEmptyPathText, parsePath } from './securable-codec.js';

export interface QualityRulesetRecord {
  table: string[];
  name: string;
  ruleset: string;
  description: string | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export interface QualityRunInput {
  table: string[];
  rulesetName: string | null;
  snapshotId: string | null;
  evaluatedBy: string;
  evaluatedAt: Date;
  rowCount: number;
  score: number;
  status: string;
  /** The per-rule results, kept as given (JSON). */
  rules: unknown;
  metrics: Record<string, number>;
}

export interface QualityRunRecord extends QualityRunInput {
  id: string;
}

/** Data quality: rulesets stored by name per table, and the history of evaluations. */
export interface QualityRepository {
  createRuleset(r: {
    table: string[];
    name: string;
    ruleset: string;
    description: string | null;
    by: string;
  }): Promise<QualityRulesetRecord>;
  /** Replaces the text (and the description when given); undefined when missing. */
  updateRuleset(
    table: string[],
    name: string,
    patch: { ruleset: string; description?: string | null; by: string },
  ): Promise<QualityRulesetRecord | undefined>;
  getRuleset(table: string[], name: string): Promise<QualityRulesetRecord | undefined>;
  /** By name. */
  listRulesets(table: string[]): Promise<QualityRulesetRecord[]>;
  /** false when missing. */
  deleteRuleset(table: string[], name: string): Promise<boolean>;
  addRun(run: QualityRunInput): Promise<QualityRunRecord>;
  /** Newest first. */
  listRuns(table: string[], limit: number): Promise<QualityRunRecord[]>;
  /** A metric's values in the table's last `limit` evaluations that measured it, oldest first. */
  metricHistory(table: string[], metric: string, limit: number): Promise<number[]>;
}

function toRuleset(row: Selectable<QualityRulesetsTable>): QualityRulesetRecord {
  return {
    table: parsePath(row.table_path),
    name: row.name,
    ruleset: row.ruleset,
    description: row.description,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toDate(row.updated_at),
  };
}

function toRun(row: Selectable<QualityRunsTable>): QualityRunRecord {
  return {
    id: row.id,
    table: parsePath(row.table_path),
    rulesetName: row.ruleset_name,
    snapshotId: row.snapshot_id,
    evaluatedBy: row.evaluated_by,
    evaluatedAt: toDate(row.evaluated_at),
    rowCount: Number(row.row_count),
    score: Number(row.score),
    status: row.status,
    rules: JSON.parse(row.rules) as unknown,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
  };
}

export function qualityRepository(executor: Executor): QualityRepository {
  const { db } = executor;
  const rulesetRow = (table: string[], name: string) =>
    db
      .selectFrom('quality_rulesets')
      .selectAll()
      .where('table_path', '=', nonEmptyPathText(table))
      .where('name', '=', name)
      .executeTakeFirst();

  return {
    async createRuleset(r) {
      const now = nowIso();
      const values = {
        table_path: nonEmptyPathText(r.table),
        name: checkName(r.name, 'ruleset'),
        ruleset: r.ruleset,
        description: r.description,
        created_by: r.by,
        created_at: now,
        updated_by: r.by,
        updated_at: now,
      };
      await translateConstraints(() => db.insertInto('quality_rulesets').values(values).execute(), {
        unique: () =>
          new AlreadyExists(
            'QUALITY_RULESET_EXISTS',
            `Table ${r.table.join('.')} already has a quality ruleset named "${r.name}".`,
            { hint: 'Choose another name, or update it with `lakeward quality rulesets update`.' },
          ),
      });
      return toRuleset(values);
    },

    async updateRuleset(table, name, patch) {
      return executor.atomic(async (tx) => {
        const set = {
          ruleset: patch.ruleset,
          updated_by: patch.by,
          updated_at: nowIso(),
          ...(patch.description === undefined ? {} : { description: patch.description }),
        };
        const result = await tx
          .updateTable('quality_rulesets')
          .set(set)
          .where('table_path', '=', nonEmptyPathText(table))
          .where('name', '=', name)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return undefined;
        const row = await tx
          .selectFrom('quality_rulesets')
          .selectAll()
          .where('table_path', '=', nonEmptyPathText(table))
          .where('name', '=', name)
          .executeTakeFirstOrThrow();
        return toRuleset(row);
      });
    },

    async getRuleset(table, name) {
      const row = await rulesetRow(table, name);
      return row === undefined ? undefined : toRuleset(row);
    },

    async listRulesets(table) {
      const rows = await db
        .selectFrom('quality_rulesets')
        .selectAll()
        .where('table_path', '=', nonEmptyPathText(table))
        .execute();
      return rows.map(toRuleset).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async deleteRuleset(table, name) {
      const result = await db
        .deleteFrom('quality_rulesets')
        .where('table_path', '=', nonEmptyPathText(table))
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async addRun(run) {
      const values = {
        id: randomUUID(),
        table_path: nonEmptyPathText(run.table),
        ruleset_name: run.rulesetName,
        snapshot_id: run.snapshotId,
        evaluated_by: run.evaluatedBy,
        evaluated_at: run.evaluatedAt.toISOString(),
        row_count: run.rowCount,
        score: run.score,
        status: run.status,
        rules: JSON.stringify(run.rules),
        metrics: JSON.stringify(run.metrics),
      };
      await db.insertInto('quality_runs').values(values).execute();
      return toRun(values);
    },

    async listRuns(table, limit) {
      const rows = await db
        .selectFrom('quality_runs')
        .selectAll()
        .where('table_path', '=', nonEmptyPathText(table))
        .orderBy('evaluated_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },

    async metricHistory(table, metric, limit) {
      // Metrics live in a JSON column; runs are few per table, so they are filtered here.
      const rows = await db
        .selectFrom('quality_runs')
        .select(['metrics', 'evaluated_at'])
        .where('table_path', '=', nonEmptyPathText(table))
        .orderBy('evaluated_at', 'desc')
        .limit(limit * 5)
        .execute();
      const values = rows
        .map((r) => (JSON.parse(r.metrics) as Record<string, number>)[metric])
        .filter((v): v is number => typeof v === 'number')
        .slice(0, limit);
      return values.reverse();
    },
  };
}
