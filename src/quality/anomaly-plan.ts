import { quoteIdent } from '../engine/index.js';
import type { RuleCall } from './dqdl/rules.js';
import { outcome, scoped } from './column-plans.js';
import { formatValue, type LeafPlan, type Outcome, type PlanBuilder } from './plan.js';
import { ANOMALY_METRICS } from './dqdl/anomaly-metrics.js';

/** Evaluations needed before a metric's history says anything. */
export const MIN_HISTORY = 3;
/** How many past evaluations the band is computed from. */
export const HISTORY_WINDOW = 20;

/** `RowCount`, or `Completeness.customer_id`: how a metric is named in the history. */
export function metricName(rule: RuleCall): string {
  return rule.args.length === 1 ? rule.args[0]! : `${rule.args[0]}.${rule.args[1]}`;
}

/**
 * DetectAnomalies: the metric must lie within mean ± 3σ of its last evaluations.
 * With fewer than MIN_HISTORY of them there is no band yet, so the rule passes and says so.
 */
export function anomalyPlan(rule: RuleCall, b: PlanBuilder): LeafPlan {
  const column = rule.args[1] === undefined ? '' : quoteIdent(rule.args[1]);
  const key = b.measure(scoped(rule, ANOMALY_METRICS[rule.args[0]!]!(column)));
  const name = metricName(rule);
  return {
    metric: { name, key },
    judge: async (m) => judgeAnomaly(name, m.number(key), await m.history(name)),
  };
}

export function judgeAnomaly(name: string, value: number | null, past: number[]): Outcome {
  const history = past.slice(-HISTORY_WINDOW);
  if (value === null) return { status: 'error', value, message: `${name} could not be measured` };
  if (history.length < MIN_HISTORY) {
    return outcome(
      true,
      value,
      `${name} is ${formatValue(value)}; ${history.length} earlier evaluation(s), ${MIN_HISTORY} are needed before anomalies are detected`,
    );
  }
  const mean = history.reduce((s, v) => s + v, 0) / history.length;
  const sd = Math.sqrt(history.reduce((s, v) => s + (v - mean) ** 2, 0) / (history.length - 1));
  const [low, high] = [mean - 3 * sd, mean + 3 * sd];
  const inside = value >= low - 1e-9 && value <= high + 1e-9;
  return outcome(
    inside,
    value,
    `${name} is ${formatValue(value)}; expected ${formatValue(low)} to ${formatValue(high)} (mean ± 3σ of the last ${history.length} evaluations)`,
  );
}
