import { quoteIdent } from '../engine/index.js';
import type { QueryResult } from '../engine/index.js';
import { LakewardError } from '../errors/index.js';
import { anomalyPlan } from './anomaly-plan.js';
import { columnPlan } from './column-plans.js';
import type { RuleResult } from './contract.js';
import { columnsOf, type ParsedRule, type RuleCall, type RuleNode } from './dqdl/rules.js';
import type { LeafPlan, Outcome, PlanBuilder, RulesetSource } from './plan.js';
import { toNumber } from './plan.js';
import { referencePlan } from './reference-plans.js';
import { failingSamples } from './samples.js';

export type { RulesetSource };

export interface Evaluation {
  rowCount: number;
  rules: RuleResult[];
  /** RowCount, null_rate.<column> and the metrics DetectAnomalies follows. */
  metrics: Record<string, number>;
}

interface Leaf {
  rule: RuleCall;
  plan?: LeafPlan;
  /** The measures and subqueries this leaf put into the scan. */
  measures: string[];
  subqueries: string[];
  outcome?: Outcome;
  failingRows?: RuleResult['failingRows'];
}

type ScanPart = Pick<Leaf, 'measures' | 'subqueries'>;

/** The shared scan: every aggregate once, keyed m0, m1, …; scalar subqueries q0, q1, …. */
class Scan {
  readonly measures = new Map<string, string>();
  readonly subqueries = new Map<string, string>();

  constructor(
    readonly table: string,
    readonly columns: ReadonlyMap<string, string>,
  ) {}

  /** A builder whose additions are also listed in `into` (to rerun them alone). */
  builderFor(into: ScanPart): PlanBuilder {
    return {
      table: this.table,
      columns: this.columns,
      measure: (sql) => {
        const key = this.add(this.measures, sql, 'm');
        into.measures.push(key);
        return key;
      },
      subquery: (sql) => {
        const key = this.add(this.subqueries, sql, 'q');
        into.subqueries.push(key);
        return key;
      },
    };
  }

  add(map: Map<string, string>, sql: string, prefix: string): string {
    let key = map.get(sql);
    if (key === undefined) {
      key = `${prefix}${map.size}`;
      map.set(sql, key);
    }
    return key;
  }

  /** One SELECT computing the given measures and subqueries (all by default). */
  sql(only?: ScanPart): string {
    const pick = (map: Map<string, string>, keys?: string[]) =>
      [...map]
        .filter(([, key]) => keys === undefined || keys.includes(key))
        .map(([sql, key]) => `${sql} AS ${key}`);
    const measures = pick(this.measures, only?.measures);
    const select = [...measures, ...pick(this.subqueries, only?.subqueries)].join(', ');
    // Without an aggregate, FROM would repeat the subqueries once per row.
    return measures.length === 0 ? `SELECT ${select}` : `SELECT ${select} FROM ${this.table}`;
  }
}

/** Rules that judge column types: they need the types as the caller's query sees them. */
const TYPE_RULES = new Set(['ColumnDataType', 'SchemaMatch']);

function leavesOf(node: RuleNode): RuleCall[] {
  return node.kind === 'rule' ? [node] : node.parts.flatMap(leavesOf);
}

function errorOutcome(err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof LakewardError && err.hint !== undefined ? ` ${err.hint}` : '';
  return { status: 'error', value: null, message: `${message}${hint}` };
}

function plan(leaf: Leaf, scan: Scan): void {
  const missing = columnsOf(leaf.rule).filter((c) => !scan.columns.has(c));
  if (leaf.rule.type !== 'ColumnExists' && missing.length > 0) {
    const known = [...scan.columns.keys()].join(', ');
    leaf.outcome = errorOutcome(`No column ${missing.join(', ')} (columns are ${known}).`);
    return;
  }
  const b = scan.builderFor(leaf);
  leaf.plan =
    leaf.rule.type === 'DetectAnomalies'
      ? anomalyPlan(leaf.rule, b)
      : (columnPlan(leaf.rule, b) ?? referencePlan(leaf.rule, b));
}

/**
 * Evaluates a ruleset in as few queries as it can: the columns from the catalog (a
 * LIMIT 0 probe only when rules judge types), one scan computing every aggregate of every
 * rule (with, in the same statement, a GROUP BY of each column whose uniqueness is
 * judged), one query per rule that reads another table or runs its own SQL, and one query
 * sampling the rows of failed row-level rules. A scan that fails is retried rule by
 * rule, so one broken rule is an error, not a failed evaluation.
 */
export async function evaluateRules(
  source: RulesetSource,
  rules: ParsedRule[],
): Promise<Evaluation> {
  const typed = rules.some((r) => leavesOf(r.node).some((l) => TYPE_RULES.has(l.type)));
  const described =
    source.describe === undefined || typed
      ? (await source.run(`SELECT * FROM ${source.table} LIMIT 0`)).columns
      : await source.describe();
  const columns = new Map(described.map((c) => [c.name, c.type]));
  const scan = new Scan(source.table, columns);
  // Row count and non-NULL counts of every column: the run's metrics and null rates.
  const base: ScanPart = { measures: [], subqueries: [] };
  const b = scan.builderFor(base);
  const rowsKey = b.measure('count(*)');
  const presentKeys = [...columns.keys()].map(
    (c) => [c, b.measure(`count(${quoteIdent(c)})`)] as const,
  );

  const tops = rules.map((r) => ({
    rule: r,
    leaves: leavesOf(r.node).map((rule): Leaf => ({ rule, measures: [], subqueries: [] })),
  }));
  const leaves = tops.flatMap((t) => t.leaves);
  for (const leaf of leaves) {
    try {
      plan(leaf, scan);
    } catch (err) {
      leaf.outcome = errorOutcome(err);
    }
  }

  const values = new Map<string, unknown>();
  const keep = (result: QueryResult) =>
    result.columns.forEach((c, i) => values.set(c.name, result.rows[0]?.[i] ?? null));
  try {
    keep(await source.run(scan.sql()));
  } catch {
    keep(await source.run(scan.sql(base)));
    for (const leaf of leaves.filter(
      (l) => l.plan !== undefined && l.measures.length + l.subqueries.length > 0,
    )) {
      try {
        keep(await source.run(scan.sql(leaf)));
      } catch (err) {
        leaf.outcome = errorOutcome(err);
      }
    }
  }

  const metrics: Record<string, number> = {};
  const rowCount = toNumber(values.get(rowsKey)) ?? 0;
  metrics['RowCount'] = rowCount;
  for (const [column, key] of presentKeys) {
    metrics[`null_rate.${column}`] =
      rowCount === 0 ? 0 : 1 - (toNumber(values.get(key)) ?? 0) / rowCount;
  }

  await Promise.all(
    leaves.map(async (leaf) => {
      if (leaf.plan === undefined || leaf.outcome !== undefined) return;
      const p = leaf.plan;
      try {
        const results = await Promise.all((p.queries ?? []).map((q) => source.run(q)));
        leaf.outcome = await p.judge({
          number: (k) => toNumber(values.get(k)),
          raw: (k) => values.get(k) ?? null,
          results,
          history: (m) => source.history(m),
        });
        if (p.metric !== undefined) {
          const v = toNumber(values.get(p.metric.key));
          if (v !== null) metrics[p.metric.name] = v;
        }
      } catch (err) {
        leaf.outcome = errorOutcome(err);
      }
    }),
  );

  const failed = leaves.filter(
    (l) => l.outcome?.status === 'fail' && l.plan?.failingRows !== undefined,
  );
  const samples = await failingSamples(
    source,
    failed.map((l) => l.plan!.failingRows!),
  );
  failed.forEach((leaf, i) => {
    if (samples[i] !== undefined) leaf.failingRows = samples[i];
  });

  return {
    rowCount,
    metrics,
    rules: tops.map(({ rule, leaves }) => resultOf(rule, leaves)),
  };
}

function resultOf(parsed: ParsedRule, leaves: Leaf[]): RuleResult {
  const node = parsed.node;
  const base = { rule: node.text, line: node.line, severity: parsed.severity };
  if (node.kind === 'rule') {
    const leaf = leaves[0]!;
    return {
      ...base,
      ...leaf.outcome!,
      ...(leaf.failingRows ? { failingRows: leaf.failingRows } : {}),
    };
  }
  return { ...base, ...combine(node, new Map(leaves.map((l) => [l.rule, l.outcome!]))) };
}

/** and: all parts pass; or: one part passes. A part in error makes the whole an error unless or already passed. */
function combine(node: RuleNode, outcomes: Map<RuleCall, Outcome>): Outcome {
  if (node.kind === 'rule') return outcomes.get(node)!;
  const parts = node.parts.map((p) => combine(p, outcomes));
  const message = parts
    .map((p, i) => `(${node.parts[i]!.text}: ${p.status}, ${p.message})`)
    .join(` ${node.kind} `);
  const passes = parts.filter((p) => p.status === 'pass').length;
  if (node.kind === 'or' && passes > 0) return { status: 'pass', value: null, message };
  if (parts.some((p) => p.status === 'error')) return { status: 'error', value: null, message };
  const pass = node.kind === 'and' ? passes === parts.length : false;
  return { status: pass ? 'pass' : 'fail', value: null, message };
}
