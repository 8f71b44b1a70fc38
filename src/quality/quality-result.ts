import type { QualityResult } from './contract.js';
import type { Evaluation } from './evaluator.js';

/**
 * Score = passed ÷ evaluated (rules in error are not evaluated). Status: failed when an
 * error-severity rule failed or could not be evaluated (a gate that could not check
 * must not let data through), warning when only warn rules did, passed otherwise.
 */
export function summarize(
  table: string,
  ruleset: string | null,
  snapshotId: string | null,
  evaluation: Evaluation,
): QualityResult {
  const evaluated = evaluation.rules.filter((r) => r.status !== 'error');
  const passed = evaluated.filter((r) => r.status === 'pass').length;
  const bad = evaluation.rules.filter((r) => r.status !== 'pass');
  const status = bad.some((r) => r.severity === 'error')
    ? 'failed'
    : bad.length > 0
      ? 'warning'
      : 'passed';
  return {
    table,
    ruleset,
    snapshotId,
    evaluatedAt: new Date().toISOString(),
    rowCount: evaluation.rowCount,
    score: evaluated.length === 0 ? 0 : passed / evaluated.length,
    status,
    rules: evaluation.rules,
    metrics: evaluation.metrics,
  };
}

const rounded = (n: number) => String(Math.round(n * 10_000) / 10_000);

/** The table properties an evaluation sets: quality_score, quality_status, null_rate.<column>. */
export function qualityProperties(result: QualityResult): Record<string, string> {
  const properties: Record<string, string> = {
    quality_score: rounded(result.score),
    quality_status: result.status,
    quality_evaluated_at: result.evaluatedAt,
  };
  for (const [metric, value] of Object.entries(result.metrics ?? {})) {
    if (metric.startsWith('null_rate.')) properties[metric] = rounded(value);
  }
  return properties;
}
