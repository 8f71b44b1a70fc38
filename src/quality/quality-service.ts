import type {
  AccessCheck,
  AccessGate,
  CatalogChanges,
  CatalogService,
  GovernedCatalog,
  QueryService,
  TableIdent,
} from '../catalog/index.js';
import { formatTableName, tableSecurable } from '../catalog/index.js';
import type { QueryEngine, TableResolver } from '../engine/index.js';
import { icebergToDuckType } from '../engine/index.js';
import { PermissionDenied } from '../errors/index.js';
import type { Caller } from '../governance/index.js';
import type {
  QualityRepository,
  QualityRulesetRecord,
  QualityRunRecord,
} from '../metastore/index.js';
import type { Schema } from '../iceberg/index.js';
import { rulesetNotFound } from './quality-errors.js';
import { HISTORY_WINDOW } from './anomaly-plan.js';
import { tableNameSql } from './constraints.js';
import type { QualityGate, QualityResult, RowRule } from './contract.js';
import { parseRuleset } from './dqdl/parser.js';
import { evaluateRules } from './evaluator.js';
import { profileTable, type TableProfile } from './profiler.js';
import { recommendRuleset } from './recommend.js';
import { qualityProperties, summarize } from './quality-result.js';
import { rowRules } from './row-rules.js';
import { StagedResolver } from './staged-resolver.js';

export interface QualityDeps {
  /** The governed query path: every evaluation query runs as the caller, filtered and masked. */
  query: Pick<QueryService, 'execute' | 'resolverFor'>;
  /** For staged rows: the engine with a resolver that maps the target to its staged files. */
  engine: Pick<QueryEngine, 'execute'>;
  gate: AccessGate;
  /** Table properties set by a caller who publishes an evaluation (needs ALTER). */
  governed: Pick<GovernedCatalog, 'updateTable'>;
  /** Properties a job's recorded result sets, and the snapshot evaluated. */
  catalog: Pick<CatalogService, 'updateTable' | 'describeTable'>;
  repository: QualityRepository;
  changes?: Pick<CatalogChanges, 'publish'>;
}

/**
 * A job measures the rows it promoted (a batch, for an append), an evaluation the whole
 * table: their metrics are kept apart, so DetectAnomalies compares like with like.
 */
const JOB_METRIC = 'job.';

/** A ruleset by its stored name, or DQDL text given inline. */
export type RulesetChoice = { name: string } | { text: string };

/**
 * Data quality as callers use it: DQDL rulesets kept per table, evaluated over the
 * table as the caller reads it (or over a job's staged rows), profiles and recommended
 * rulesets, and each table's evaluation history. Every use case is audited once.
 */
export class Quality implements QualityGate {
  constructor(private readonly deps: QualityDeps) {}

  validate(ruleset: string): void {
    parseRuleset(ruleset);
  }

  rowRules(ruleset: string): RowRule[] {
    return rowRules(ruleset);
  }

  /**
   * Evaluates a ruleset over the table as the caller reads it (SELECT; row filters and
   * masks apply) and keeps the result in the table's history. Only an evaluation of the
   * whole table (nothing filtered, hidden or masked) adds to the metric history that
   * DetectAnomalies compares with, and only such may publish the table's quality
   * properties (through the governed catalog, so that also needs ALTER).
   */
  async evaluate(
    caller: Caller,
    table: TableIdent,
    choice: RulesetChoice,
    options: { publish?: boolean } = {},
  ): Promise<QualityResult> {
    const name = formatTableName(table);
    const result = await this.deps.gate.run(
      caller,
      'quality.evaluate',
      `table:${name}`,
      async (check) => {
        await check.require('SELECT', tableSecurable(table));
        const { text, rulesetName } = await this.#ruleset(table, choice);
        const rules = parseRuleset(text);
        // The columns as the caller sees them, and the table's description (its snapshot,
        // and whether the caller reads it whole), load beside each other and the scan:
        // reads of the table's metadata that need not wait for each other. Only a
        // publish waits for the description first, to refuse before anything runs.
        const columns = describeColumns(this.#resolver(caller, check), table);
        const described = this.deps.catalog.describeTable(table).then(async (d) => ({
          description: d,
          whole: await this.#readsWholeTable(caller, table, d),
        }));
        // Awaited below (or by the evaluation); a failure must not go unhandled meanwhile.
        columns.catch(() => undefined);
        described.catch(() => undefined);
        if (options.publish === true && !(await described).whole) {
          throw check.refuse(partialView(name));
        }
        const evaluation = await evaluateRules(
          {
            table: tableNameSql(name),
            run: (sql) => this.deps.query.execute(caller, sql),
            history: (metric) => this.#history(table, metric),
            describe: () => columns,
          },
          rules,
        ).catch(async (err: unknown) => {
          // A table that cannot be described fails as it did before the scan started.
          await described;
          throw err;
        });
        const { description, whole } = await described;
        const result = summarize(name, rulesetName, description.currentSnapshotId, evaluation);
        await this.#keep(table, caller, whole ? result : { ...result, metrics: {} });
        return result;
      },
    );
    if (options.publish === true) {
      await this.deps.governed.updateTable(caller, table, {
        setProperties: qualityProperties(result),
      });
    }
    return result;
  }

  evaluateStaged(
    caller: Caller,
    input: { target: TableIdent; files: string[]; schema: Schema; ruleset: string },
  ): Promise<QualityResult> {
    const name = formatTableName(input.target);
    return this.deps.gate.run(caller, 'quality.evaluate_staged', `table:${name}`, async (check) => {
      const rules = parseRuleset(input.ruleset);
      const resolver = new StagedResolver(this.#resolver(caller, check), name, input);
      const evaluation = await evaluateRules(
        {
          table: tableNameSql(name),
          run: (sql) => this.deps.engine.execute(sql, resolver),
          history: (metric) => this.#history(input.target, `${JOB_METRIC}${metric}`),
          describe: () => describeColumns(resolver, input.target),
        },
        rules,
      );
      return summarize(name, null, null, evaluation);
    });
  }

  /**
   * A job's result after its promotion committed: into the history, and the table's
   * quality_score, quality_status and null_rate.<column> set through the ungoverned
   * catalog. They are facts measured by the system on what the job wrote (MODIFY), not
   * edits by a user, so the job's principal needs no ALTER for them. Its metrics go into
   * the history as job.<metric>, the history DetectAnomalies reads for staged rows.
   */
  record(caller: Caller, table: TableIdent, result: QualityResult): Promise<void> {
    const name = formatTableName(table);
    return this.deps.gate.run(caller, 'quality.record', `table:${name}`, async (check) => {
      await check.require('MODIFY', tableSecurable(table));
      const metrics = Object.entries(result.metrics ?? {}).map(([k, v]) => [
        `${JOB_METRIC}${k}`,
        v,
      ]);
      await this.#keep(table, caller, { ...result, metrics: Object.fromEntries(metrics) });
      await this.deps.catalog.updateTable(table, { setProperties: qualityProperties(result) });
      await this.deps.changes?.publish({ kind: 'table', path: [...table.namespace, table.name] });
    });
  }

  profile(caller: Caller, table: TableIdent): Promise<TableProfile> {
    const name = formatTableName(table);
    return this.deps.gate.run(caller, 'quality.profile', `table:${name}`, async (check) => {
      await check.require('SELECT', tableSecurable(table));
      return profileTable((sql) => this.deps.query.execute(caller, sql), tableNameSql(name), name);
    });
  }

  /** A starter ruleset (DQDL) from a profile of the table as the caller reads it. */
  async recommend(
    caller: Caller,
    table: TableIdent,
  ): Promise<{ ruleset: string; profile: TableProfile }> {
    const profile = await this.profile(caller, table);
    return { ruleset: recommendRuleset(profile), profile };
  }

  createRuleset(
    caller: Caller,
    table: TableIdent,
    input: { name: string; ruleset: string; description?: string },
  ): Promise<QualityRulesetRecord> {
    return this.#altering(caller, table, 'quality.ruleset.create', async () => {
      parseRuleset(input.ruleset);
      return this.deps.repository.createRuleset({
        table: pathOf(table),
        name: input.name,
        ruleset: input.ruleset,
        description: input.description ?? null,
        by: caller.principal.name,
      });
    });
  }

  updateRuleset(
    caller: Caller,
    table: TableIdent,
    name: string,
    patch: { ruleset: string; description?: string | null },
  ): Promise<QualityRulesetRecord> {
    return this.#altering(caller, table, 'quality.ruleset.update', async () => {
      parseRuleset(patch.ruleset);
      const by = caller.principal.name;
      const updated = await this.deps.repository.updateRuleset(pathOf(table), name, {
        ...patch,
        by,
      });
      if (updated === undefined) throw rulesetNotFound(pathOf(table), name);
      return updated;
    });
  }

  deleteRuleset(caller: Caller, table: TableIdent, name: string): Promise<void> {
    return this.#altering(caller, table, 'quality.ruleset.delete', async () => {
      if (!(await this.deps.repository.deleteRuleset(pathOf(table), name))) {
        throw rulesetNotFound(pathOf(table), name);
      }
    });
  }

  getRuleset(caller: Caller, table: TableIdent, name: string): Promise<QualityRulesetRecord> {
    return this.#describing(caller, table, 'quality.ruleset.get', async () => {
      const found = await this.deps.repository.getRuleset(pathOf(table), name);
      if (found === undefined) throw rulesetNotFound(pathOf(table), name);
      return found;
    });
  }

  listRulesets(caller: Caller, table: TableIdent): Promise<QualityRulesetRecord[]> {
    return this.#describing(caller, table, 'quality.ruleset.list', () =>
      this.deps.repository.listRulesets(pathOf(table)),
    );
  }

  /** The table's evaluations, newest first (without failing-row samples, which were the evaluator's view). */
  runs(caller: Caller, table: TableIdent, limit = 50): Promise<QualityRunRecord[]> {
    return this.#describing(caller, table, 'quality.runs', () =>
      this.deps.repository.listRuns(pathOf(table), limit),
    );
  }

  /** Whether the caller reads every row and column of the table unmasked. */
  async #readsWholeTable(
    caller: Caller,
    table: TableIdent,
    description: { columns: { name: string; type: string }[] },
  ): Promise<boolean> {
    const shapes = description.columns.map((c) => ({ name: c.name, type: c.type }));
    const policy = await this.deps.gate.authorizer.readPolicy(
      caller.principal,
      pathOf(table),
      shapes,
    );
    const masked = policy.masks !== undefined && Object.keys(policy.masks).length > 0;
    return (
      policy.allowed && policy.rowFilter === undefined && policy.columns === undefined && !masked
    );
  }

  #resolver(caller: Caller, check: AccessCheck) {
    return this.deps.query.resolverFor(caller, check);
  }

  async #ruleset(
    table: TableIdent,
    choice: RulesetChoice,
  ): Promise<{ text: string; rulesetName: string | null }> {
    if ('text' in choice) return { text: choice.text, rulesetName: null };
    const found = await this.deps.repository.getRuleset(pathOf(table), choice.name);
    if (found === undefined) throw rulesetNotFound(pathOf(table), choice.name);
    return { text: found.ruleset, rulesetName: found.name };
  }

  #history(table: TableIdent, metric: string): Promise<number[]> {
    return this.deps.repository.metricHistory(pathOf(table), metric, HISTORY_WINDOW);
  }

  /** Into the history; failing-row samples stay out, they showed the evaluator's view only. */
  async #keep(table: TableIdent, caller: Caller, result: QualityResult): Promise<void> {
    await this.deps.repository.addRun({
      table: pathOf(table),
      rulesetName: result.ruleset,
      snapshotId: result.snapshotId,
      evaluatedBy: caller.principal.name,
      evaluatedAt: new Date(result.evaluatedAt),
      rowCount: result.rowCount,
      score: result.score,
      status: result.status,
      rules: result.rules.map(({ failingRows: _rows, ...rest }) => rest),
      metrics: result.metrics ?? {},
    });
  }

  #altering<T>(
    caller: Caller,
    table: TableIdent,
    action: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.deps.gate.run(caller, action, `table:${formatTableName(table)}`, async (check) => {
      await check.require('ALTER', tableSecurable(table));
      return work();
    });
  }

  #describing<T>(
    caller: Caller,
    table: TableIdent,
    action: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.deps.gate.run(caller, action, `table:${formatTableName(table)}`, async (check) => {
      await check.require('DESCRIBE', tableSecurable(table));
      return work();
    });
  }
}

/** The columns the caller sees, with their types as DuckDB reads them (before any mask). */
async function describeColumns(
  resolver: Required<TableResolver>,
  table: TableIdent,
): Promise<{ name: string; type: string }[]> {
  const described = await resolver.describe({ parts: pathOf(table) });
  const fields = new Map(described.schema.fields.map((f) => [f.name, f]));
  const visible = described.columns ?? described.schema.fields.map((f) => f.name);
  return visible.map((name) => ({ name, type: icebergToDuckType(fields.get(name)!.type) }));
}

function partialView(table: string): PermissionDenied {
  return new PermissionDenied(
    'PERMISSION_DENIED',
    `Publishing the quality of ${table} needs a read of the whole table; yours is narrowed by a data filter, hidden columns or column masks.`,
    {
      hint: 'Evaluate without publish, or have someone who reads the whole table (or the job that writes it) record the quality.',
    },
  );
}

function pathOf(table: TableIdent): string[] {
  return [...table.namespace, table.name];
}
