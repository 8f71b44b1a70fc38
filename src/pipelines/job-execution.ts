import path from 'node:path';
import { QueryService, formatTableName, tableSecurable } from '../catalog/index.js';
import type { TableIdent } from '../catalog/index.js';
import { Cancelled, Conflict, InvalidInput } from '../errors/index.js';
import type { Privilege } from '../governance/index.js';
import { typeToString } from '../iceberg/index.js';
import type { QualityResult } from '../quality/index.js';
import type { JobDefinition } from './contract.js';
import { planIncremental } from './incremental-plan.js';
import type { IncrementalPlan } from './incremental-plan.js';
import { runSummary } from './incremental.js';
import { JobSources } from './job-sources.js';
import { reportProblem } from './run-context.js';
import type { JobRunnerDeps, RunContext } from './run-context.js';
import { QuarantineStep } from './quarantine-step.js';
import {
  dedupedSql,
  duplicateKeys,
  requireColumns,
  resultColumns,
  stageTyped,
  stagedSql,
} from './staged-rows.js';
import { createdProperties, runProperties } from './target-properties.js';
import { checkTarget, dropCreated, prepareTarget } from './target-table.js';
import type { CheckedTarget, TableAccess } from './target-table.js';
import { planTargetSchema } from './target-schema.js';
import type { TargetSchemaPlan } from './target-schema.js';
import { writeRows } from './write-modes.js';
import type { WriteMode } from './write-modes.js';

/** The result as staged for the target: one local Parquet file in the target's shape. */
interface Staged {
  file: string;
  rows: number;
  plan: TargetSchemaPlan;
}

/** Privileges each write needs on an existing target (a merge replaces rows: MODIFY). */
const PRIVILEGES: Record<WriteMode, Privilege[]> = {
  append: ['INSERT'],
  overwrite: ['INSERT', 'MODIFY'],
  merge: ['INSERT', 'MODIFY'],
};

/** One run's steps, in order: plan, query, stage, gate, commit, then the table's facts. */
export class JobExecution {
  readonly #access: TableAccess;
  /** Set when the gate routes failing rows aside. */
  #quarantine: QuarantineStep | undefined;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly run: RunContext,
  ) {
    this.#access = {
      catalog: deps.catalog,
      governed: deps.governed,
      caller: run.caller,
      check: run.check,
    };
  }

  async execute(): Promise<void> {
    const { job, target, progress } = this.run;
    checkDefinition(job);
    if (job.quality !== null) this.deps.quality.validate(job.quality.ruleset);
    const requested: WriteMode = job.mode === 'incremental' ? incrementalWrite(job) : job.mode;
    let checked = await checkTarget(this.#access, target, PRIVILEGES[requested]);
    const plan =
      job.mode === 'incremental'
        ? await planIncremental(
            { catalog: this.deps.catalog, engine: this.deps.query.engine },
            job,
            checked.existing,
          )
        : undefined;
    if (plan !== undefined && nothingNew(plan)) {
      this.#unchanged(plan, checked);
      return;
    }
    const write = plan?.write ?? requested;
    if (write !== requested) checked = await checkTarget(this.#access, target, PRIVILEGES[write]);

    const sources = this.#sources(plan);
    progress.sql =
      plan === undefined
        ? job.sql
        : `${plan.explanation.map((l) => `-- ${l}\n`).join('')}${job.sql}`;
    const raw = path.join(this.run.scratch, 'result.parquet');
    const query = new QueryService(
      this.deps.query.engine,
      { resolver: () => sources },
      this.deps.query.defaults,
      this.deps.query.governance,
    );
    try {
      const exported = await query.exportParquet(this.run.caller, progress.sql, raw, {
        ...(this.run.signal === undefined ? {} : { signal: this.run.signal }),
      });
      progress.rowsRead = exported.rows;
    } finally {
      progress.sources = sources.reads;
    }

    const staged = await this.#stage(raw, checked, write);
    progress.schema = staged.plan.schema.fields.map((f) => ({
      name: f.name,
      type: typeToString(f.type),
    }));
    const rows = await this.#gate(staged);
    this.#stopIfCancelled();
    await this.#commit(checked, staged.plan, rows, write, sources, plan);
  }

  /**
   * No source gained a data file since the last run: there is nothing to read, and the
   * target stays as it is (no empty commit, no merge planning), so a run that finds
   * nothing new costs only its bookkeeping.
   */
  #unchanged(plan: IncrementalPlan, checked: CheckedTarget): void {
    const { job, progress } = this.run;
    const explanation = [
      ...plan.explanation,
      'nothing new: no SELECT ran and the target is unchanged',
    ];
    progress.sql = `${explanation.map((l) => `-- ${l}\n`).join('')}${job.sql}`;
    progress.sources = [...plan.narrowed].map(([table, n]) => ({
      table,
      snapshotId: n.snapshotId === null ? null : n.snapshotId.toString(),
    }));
    progress.targetSnapshotId =
      checked.existing?.currentSnapshot()?.['snapshot-id'].toString() ?? null;
    progress.schema =
      checked.existing
        ?.schema()
        .fields.map((f) => ({ name: f.name, type: typeToString(f.type) })) ?? [];
  }

  #sources(plan: IncrementalPlan | undefined): JobSources {
    const { catalog } = this.deps;
    const current = async (ident: TableIdent): Promise<bigint | null> => {
      // An external table has no snapshots; it is read as its files are now.
      const table = await catalog.loadTable(ident).catch(() => undefined);
      return table?.currentSnapshot()?.['snapshot-id'] ?? null;
    };
    return new JobSources(catalog.resolver(), current, plan?.narrowed);
  }

  /** The result deduplicated and cast to the target's schema, as one local Parquet file. */
  async #stage(raw: string, checked: CheckedTarget, write: WriteMode): Promise<Staged> {
    const { session, job, target } = this.run;
    const columns = await resultColumns(session, raw);
    if (job.keys.length > 0) requireColumns(columns, job.keys, 'key');
    const rowsSql = job.dedupe
      ? await dedupedSql(stagedSql(raw), columns, job.keys, job.dedupeOrderBy)
      : stagedSql(raw);
    if (write === 'merge' && (await duplicateKeys(session, rowsSql, job.keys)) > 0) {
      throw new InvalidInput(
        'DUPLICATE_MERGE_KEYS',
        `Rows of the result of ${job.name} share keys (${job.keys.join(', ')}); a merge needs one row per key.`,
        {
          hint: 'Set dedupe: true (with dedupeOrderBy to say which row wins), or make the SELECT yield one row per key.',
        },
      );
    }
    const name = formatTableName(target);
    const plan = planTargetSchema(name, columns, checked.existing?.schema());
    const file = path.join(this.run.scratch, 'staged.parquet');
    const rows = await stageTyped(session, rowsSql, columns, plan.schema, file);
    return { file, rows, plan };
  }

  /** The quality gate over the staged rows; returns the SELECT of the rows to commit. */
  async #gate(staged: Staged): Promise<string> {
    const { job, caller, target, progress } = this.run;
    const all = stagedSql(staged.file);
    if (job.quality === null) return all;
    const { ruleset, onFailure } = job.quality;
    const result = await this.deps.quality.evaluateStaged(caller, {
      target,
      files: [staged.file],
      schema: staged.plan.schema,
      ruleset,
    });
    progress.quality = result;
    const failed = result.rules.filter((r) => r.severity === 'error' && r.status === 'fail');
    if (failed.length === 0) return all;
    const rowRules = this.deps.quality.rowRules(ruleset).filter((r) => r.severity === 'error');
    const splittable = failed.every((f) => rowRules.some((r) => r.rule === f.rule));
    if (onFailure === 'stop' || !splittable) {
      progress.rowsRejected = staged.rows;
      throw gateFailed(
        job,
        result,
        onFailure === 'stop' ? undefined : 'they are not row-level rules',
      );
    }
    this.#quarantine = new QuarantineStep(this.deps, this.#access, this.run);
    const failing = rowRules.filter((r) => failed.some((f) => f.rule === r.rule));
    return this.#quarantine.split(all, failing, staged.plan.schema);
  }

  async #commit(
    checked: CheckedTarget,
    plan: TargetSchemaPlan,
    rowsSql: string,
    write: WriteMode,
    sources: JobSources,
    incremental: IncrementalPlan | undefined,
  ): Promise<void> {
    const { job, runId, target, session, scratch, progress } = this.run;
    const summary = runSummary(job, runId, sources.pinned, incremental?.read ?? null);
    const prepared = await prepareTarget(
      this.#access,
      checked,
      plan,
      createdProperties(target, job),
    );
    try {
      // Set aside before the target commits: a failed commit then loses no rows.
      await this.#quarantine?.commit(summary);
      const written = await writeRows(write, {
        session,
        table: prepared.table,
        rowsSql,
        keys: job.keys,
        tempDir: scratch,
        targetFileSizeBytes: this.deps.writes.targetFileSizeBytes,
        summary,
      });
      progress.rowsWritten = written.rows;
      progress.targetSnapshotId =
        written.table.currentSnapshot()?.['snapshot-id'].toString() ?? null;
    } catch (err) {
      if (prepared.created) await dropCreated(this.#access, target);
      throw err;
    }
    await this.#afterCommit();
  }

  /** The table's facts after the commit; the commit stands even when one cannot be kept. */
  async #afterCommit(): Promise<void> {
    const { job, runId, target, caller, progress } = this.run;
    const problem = (what: string) => (err: unknown) =>
      reportProblem(this.deps, `${what} after a job run failed`, { job: job.name, runId, err });
    const properties = runProperties(job, runId, progress.sources, new Date());
    // The quality result's properties join the run's: one recorded write per run.
    await this.deps.propertyWrites
      .gathered(target, caller.principal.name, properties, async () => {
        if (progress.quality === null) return;
        await this.deps.quality
          .record(caller, target, progress.quality)
          .catch(problem('keeping the quality result'));
      })
      .catch(problem('setting the target table properties'));
    await this.deps.changes?.publish({ kind: 'table', path: tableSecurable(target).path });
  }

  #stopIfCancelled(): void {
    if (this.run.signal?.aborted === true) {
      throw new Cancelled(
        `Run ${this.run.runId} of ${this.run.job.name} was cancelled before its commit.`,
      );
    }
  }
}

function nothingNew(plan: IncrementalPlan): boolean {
  return plan.read === 'new-files' && [...plan.narrowed.values()].every((n) => n.files.size === 0);
}

function incrementalWrite(job: JobDefinition): WriteMode {
  return job.keys.length > 0 ? 'merge' : 'append';
}

function checkDefinition(job: JobDefinition): void {
  if ((job.mode === 'merge' || job.dedupe) && job.keys.length === 0) {
    throw new InvalidInput(
      'JOB_KEYS_REQUIRED',
      `Job ${job.name} ${job.dedupe ? 'deduplicates' : 'merges'} on keys but names none.`,
      { hint: 'Give the key columns that identify a row, e.g. keys: [invoice_no, stock_code].' },
    );
  }
}

function gateFailed(job: JobDefinition, result: QualityResult, why?: string): Conflict {
  const failed = result.rules.filter((r) => r.severity === 'error' && r.status === 'fail');
  const list = failed.map((r) => `${r.rule} (line ${r.line}: ${r.message})`).join('; ');
  return new Conflict(
    'QUALITY_GATE_FAILED',
    `The quality gate of ${job.name} stopped the run: ${list}${why === undefined ? '' : `; no rows were set aside because ${why}`}. The target was not changed.`,
    {
      hint: "Fix the data or the job's SELECT, or route failing rows aside with onFailure: quarantine.",
    },
  );
}
