import { formatTableName } from '../catalog/index.js';
import { icebergToDuckType } from '../engine/index.js';
import type { Schema } from '../iceberg/index.js';
import type { RowRule } from '../quality/index.js';
import type { JobRunnerDeps, RunContext } from './run-context.js';
import { quarantineIdent, quarantineSchema, splitRows } from './quarantine.js';
import type { RowSplit } from './quarantine.js';
import { checkTarget, prepareTarget } from './target-table.js';
import type { TableAccess } from './target-table.js';
import { planTargetSchema } from './target-schema.js';
import { writeRows } from './write-modes.js';

/**
 * A gate in quarantine mode: the staged rows failing the failed `error` row rules are
 * set aside in `<target>__quarantine` (created on first use, as the job's principal,
 * who needs INSERT on it afterwards), the others go on to the target. The quarantine
 * is committed just before the target, so a run whose target commit then fails keeps
 * its failing rows (each tagged with the run id) rather than losing them.
 */
export class QuarantineStep {
  #split: { rows: RowSplit; schema: Schema } | undefined;

  constructor(
    private readonly deps: Pick<JobRunnerDeps, 'writes'>,
    private readonly access: TableAccess,
    private readonly run: Pick<RunContext, 'session' | 'runId' | 'target' | 'scratch' | 'progress'>,
  ) {}

  /** Splits the rows; returns the SELECT of those that pass. */
  async split(rowsSql: string, rules: RowRule[], schema: Schema): Promise<string> {
    const rows = await splitRows(this.run.session, rowsSql, rules, this.run.runId);
    this.#split = { rows, schema };
    this.run.progress.rowsRejected = rows.failing;
    return rows.passingSql;
  }

  async commit(summary: Record<string, string>): Promise<void> {
    if (this.#split === undefined || this.#split.rows.failing === 0) return;
    const ident = quarantineIdent(this.run.target);
    const checked = await checkTarget(this.access, ident, ['INSERT']);
    const columns = quarantineSchema(this.#split.schema).fields.map((f) => ({
      name: f.name,
      type: icebergToDuckType(f.type),
    }));
    const plan = planTargetSchema(formatTableName(ident), columns, checked.existing?.schema());
    const prepared = await prepareTarget(this.access, checked, plan, {
      layer: this.run.target.namespace[0] ?? '',
      quarantine_of: formatTableName(this.run.target),
    });
    await writeRows('append', {
      session: this.run.session,
      table: prepared.table,
      rowsSql: this.#split.rows.failingSql,
      keys: [],
      tempDir: this.run.scratch,
      targetFileSizeBytes: this.deps.writes.targetFileSizeBytes,
      summary,
    });
  }
}
