import type { TableIdent } from '../catalog/index.js';
import type { Caller } from '../governance/index.js';
import type { Schema } from '../iceberg/index.js';

/** `error` rules that fail block promotion; `warn` rules only record. */
export type RuleSeverity = 'error' | 'warn';

/** One rule's outcome. */
export interface RuleResult {
  /** The rule as written, e.g. `ColumnValues "quantity" > 0`. */
  rule: string;
  /** Where it was written in the ruleset (1-based). */
  line: number;
  severity: RuleSeverity;
  status: 'pass' | 'fail' | 'error';
  /** What was measured: a completeness ratio, a row count, … */
  value: number | string | null;
  message: string;
  /** Row-level rules that failed: a sample of failing rows, masked as the caller sees them. */
  failingRows?: { columns: string[]; rows: unknown[][] };
}

export interface QualityResult {
  /** Dotted name of the table (or a job's target) evaluated. */
  table: string;
  ruleset: string | null;
  snapshotId: string | null;
  evaluatedAt: string;
  rowCount: number;
  /** passed ÷ evaluated rules (rules in status error are not counted as evaluated). */
  score: number;
  /** failed: an error rule failed; warning: only warn rules failed; passed otherwise. */
  status: 'passed' | 'warning' | 'failed';
  rules: RuleResult[];
  /** What the evaluation measured besides the rules: RowCount, `null_rate.<column>`, DetectAnomalies metrics (kept in the history by record). */
  metrics?: Record<string, number>;
}

/** A row-level rule as a condition over the row's columns, for a job's quarantine. */
export interface RowRule {
  rule: string;
  severity: RuleSeverity;
  /** DuckDB SQL boolean, true when the row passes. */
  condition: string;
}

/**
 * What a medallion job's quality gate needs (implemented in src/quality/). Rulesets are
 * DQDL text (`Rules = [ … ]`); parse errors are InvalidInput with line and column.
 */
export interface QualityGate {
  /** Checks a ruleset's syntax and rule arguments without evaluating it. */
  validate(ruleset: string): void;
  /**
   * Evaluates a ruleset over rows a job staged but has not committed (local Parquet
   * files with the target's schema). Rules that read other tables (ReferentialIntegrity,
   * RowCountMatch, AggregateMatch, DetectAnomalies history) read them as the caller.
   */
  evaluateStaged(
    caller: Caller,
    input: { target: TableIdent; files: string[]; schema: Schema; ruleset: string },
  ): Promise<QualityResult>;
  /** The row-level rules of a ruleset as conditions (quarantine splits rows by them). */
  rowRules(ruleset: string): RowRule[];
  /**
   * After a promotion committed: keeps the result in the table's quality history and
   * sets its properties quality_score, quality_status and per-column null_rate.
   */
  record(caller: Caller, table: TableIdent, result: QualityResult): Promise<void>;
}
