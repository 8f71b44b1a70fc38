import { aggregateCall } from './aggregate-call.js';
import { ANOMALY_METRICS } from './anomaly-metrics.js';
import type { Constraint, Literal, RuleCall } from './rules.js';

function literals(c: Constraint | null): Literal[] {
  if (c === null) return [];
  switch (c.kind) {
    case 'compare':
      return [c.value];
    case 'between':
      return [c.low, c.high];
    case 'in':
      return c.values;
    case 'matches':
      return [];
  }
}

function regexProblem(c: Constraint | null): string | null {
  if (c?.kind !== 'matches') return null;
  try {
    new RegExp(c.pattern);
    return null;
  } catch (err) {
    return `the pattern "${c.pattern}" is not a regular expression (${(err as Error).message}).`;
  }
}

/** What is wrong with a rule's arguments beyond their number, or null. */
export function argumentProblem(rule: RuleCall): string | null {
  const regex = regexProblem(rule.constraint);
  if (regex !== null) return regex;
  const values = literals(rule.constraint);
  const durations = values.filter((v) => v.kind === 'duration').length;
  if (rule.type === 'DataFreshness' && durations !== values.length) {
    return 'DataFreshness compares with a duration such as 24 hours, 2 days or 30 minutes.';
  }
  if (rule.type !== 'DataFreshness' && durations > 0) {
    return `${rule.type} does not compare with a duration.`;
  }
  for (const c of [rule.threshold]) {
    if (c !== null && literals(c).some((v) => v.kind !== 'number')) {
      return 'a threshold is a share of rows between 0 and 1, e.g. with threshold > 0.9.';
    }
  }
  switch (rule.type) {
    case 'DetectAnomalies': {
      const [metric, column] = rule.args;
      if (!Object.hasOwn(ANOMALY_METRICS, metric!)) {
        return `DetectAnomalies follows ${Object.keys(ANOMALY_METRICS).join(', ')}, not "${metric}".`;
      }
      if ((metric === 'RowCount') !== (column === undefined)) {
        return metric === 'RowCount'
          ? 'DetectAnomalies "RowCount" takes no column.'
          : `DetectAnomalies "${metric}" needs a column: DetectAnomalies "${metric}" "price".`;
      }
      return null;
    }
    case 'AggregateMatch': {
      const [mine, theirs] = rule.args.map((a) => aggregateCall(a));
      if (mine === null || theirs === null || !theirs!.arg.includes('.')) {
        return 'AggregateMatch compares two aggregates, e.g. "sum(amount)" "sum(bronze.crm.sales.amount)" (sum, avg, count, min or max).';
      }
      return null;
    }
    case 'ReferentialIntegrity':
      return rule.args[1]!.split('.').length < 3
        ? 'ReferentialIntegrity names the referenced column with its table, e.g. "silver.crm.customers.id".'
        : null;
    default:
      return null;
  }
}
