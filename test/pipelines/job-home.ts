import path from 'node:path';
import { AccessGate, formatTableName } from '../../src/catalog/index.js';
import type { TableIdent } from '../../src/catalog/index.js';
import { openSession, quoteIdent, quoteLiteral } from '../../src/engine/index.js';
import { InvalidInput } from '../../src/errors/index.js';
import { AuditSystemTable } from '../../src/governance/index.js';
import type { Caller } from '../../src/governance/index.js';
import type { LineageRecorder, LineageRun, SqlLineage } from '../../src/lineage/index.js';
import { JobRunner, RunPropertyWrites } from '../../src/pipelines/index.js';
import type { JobDefinition } from '../../src/pipelines/index.js';
import type { QualityGate, QualityResult, RowRule, RuleResult } from '../../src/quality/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';

/**
 * A small quality gate that really evaluates: `IsComplete "c"` and `ColumnValues "c" op N`
 * in `Rules = [ … ]` (error) and `WarnRules = [ … ]` (warn), counted with DuckDB over the
 * staged files, and keeps what it records so the runner's tests can see it; the e2e test
 * (test/e2e/retail-medallion.test.ts) runs the runner with src/quality's own gate.
 */
export class SmallQualityGate implements QualityGate {
  readonly recorded: { table: string; result: QualityResult }[] = [];

  constructor(private readonly tempDir: string) {}

  validate(ruleset: string): void {
    this.rowRules(ruleset);
  }

  rowRules(ruleset: string): RowRule[] {
    const rules: RowRule[] = [];
    for (const [section, severity] of [
      ['WarnRules', 'warn'],
      ['Rules', 'error'],
    ] as const) {
      const body = new RegExp(`(?:^|[^a-zA-Z])${section}\\s*=\\s*\\[([^\\]]*)\\]`).exec(
        ruleset,
      )?.[1];
      if (body === undefined) continue;
      for (const text of body
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '')) {
        rules.push({ rule: text, severity, condition: conditionOf(text) });
      }
    }
    if (rules.length === 0) throw new InvalidInput('DQDL_SYNTAX_ERROR', 'No rules.');
    return rules;
  }

  async evaluateStaged(
    _caller: Caller,
    input: { target: TableIdent; files: string[]; ruleset: string },
  ): Promise<QualityResult> {
    const session = await openSession({ memoryLimit: '256MB', tempDir: this.tempDir });
    try {
      const from = `read_parquet([${input.files.map(quoteLiteral).join(', ')}])`;
      const [total] = await session.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ${from}`,
      );
      const rowCount = total?.n ?? 0;
      const rules: RuleResult[] = [];
      let line = 1;
      for (const rule of this.rowRules(input.ruleset)) {
        const [row] = await session.all<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM ${from} WHERE NOT coalesce((${rule.condition}), false)`,
        );
        const failing = row?.n ?? 0;
        rules.push({
          rule: rule.rule,
          line: line++,
          severity: rule.severity,
          status: failing === 0 ? 'pass' : 'fail',
          value: rowCount === 0 ? 1 : (rowCount - failing) / rowCount,
          message: `${failing} of ${rowCount} rows fail`,
        });
      }
      const passed = rules.filter((r) => r.status === 'pass').length;
      const failedError = rules.some((r) => r.status === 'fail' && r.severity === 'error');
      const failedWarn = rules.some((r) => r.status === 'fail' && r.severity === 'warn');
      return {
        table: formatTableName(input.target),
        ruleset: input.ruleset,
        snapshotId: null,
        evaluatedAt: new Date().toISOString(),
        rowCount,
        score: rules.length === 0 ? 1 : passed / rules.length,
        status: failedError ? 'failed' : failedWarn ? 'warning' : 'passed',
        rules,
      };
    } finally {
      session.close();
    }
  }

  async record(_caller: Caller, table: TableIdent, result: QualityResult): Promise<void> {
    this.recorded.push({ table: formatTableName(table), result });
  }
}

function conditionOf(rule: string): string {
  const complete = /^IsComplete\s+"([^"]+)"$/.exec(rule);
  if (complete) return `${quoteIdent(complete[1]!)} IS NOT NULL`;
  const values = /^ColumnValues\s+"([^"]+)"\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)$/.exec(rule);
  if (values) return `${quoteIdent(values[1]!)} ${values[2]} ${values[3]}`;
  throw new InvalidInput('DQDL_SYNTAX_ERROR', `Unknown rule: ${rule}`);
}

/** Keeps every run event, as lineage would record them. */
export class RecordingLineage implements LineageRecorder {
  readonly runs: LineageRun[] = [];
  failWith: Error | undefined;

  async analyze(): Promise<SqlLineage> {
    return { tables: [], columns: [] };
  }

  async recordRun(_caller: Caller, run: LineageRun): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    this.runs.push(run);
  }
}

export interface JobKit {
  runner: JobRunner;
  quality: SmallQualityGate;
  lineage: RecordingLineage;
  warnings: string[];
}

/** A JobRunner wired to the home's services as src/app.ts would wire it. */
export function jobKit(
  home: GovernedHome,
  parts: { quality?: QualityGate; lineage?: LineageRecorder } = {},
): JobKit {
  const { services } = home;
  const tempDir = path.join(home.dir, 'tmp');
  const quality = new SmallQualityGate(tempDir);
  const lineage = new RecordingLineage();
  const warnings: string[] = [];
  const runner = new JobRunner({
    catalog: services.catalog,
    governed: services.governed,
    query: {
      engine: services.engine,
      defaults: services.config.query,
      governance: {
        gate: new AccessGate(services.authorizer, services.audit),
        auditTable: new AuditSystemTable(services.metastore, {
          authorizer: services.authorizer,
          tempDir,
        }),
      },
    },
    quality: parts.quality ?? quality,
    propertyWrites: new RunPropertyWrites({
      catalog: services.catalog,
      metadata: services.metadata,
    }),
    lineage: parts.lineage ?? lineage,
    changes: services.changes,
    tempDir: path.join(tempDir, 'jobs'),
    writes: {
      memoryLimit: '512MB',
      targetFileSizeBytes: services.config.ingest.targetFileSizeBytes,
    },
    warn: (message) => warnings.push(message),
  });
  return { runner, quality, lineage, warnings };
}

/** A job definition with the defaults a test does not care about. */
export function jobOf(
  fields: Pick<JobDefinition, 'name' | 'target' | 'sql' | 'runAs'> & Partial<JobDefinition>,
): JobDefinition {
  return {
    description: null,
    mode: 'append',
    keys: [],
    dedupe: false,
    dedupeOrderBy: null,
    schedule: null,
    after: [],
    quality: null,
    retries: { max: 0, backoffMs: 0 },
    version: 1,
    ...fields,
  };
}
