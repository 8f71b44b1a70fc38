import { leafCondition } from './row-conditions.js';
import type { RowRule } from './contract.js';
import { parseRuleset } from './dqdl/parser.js';
import type { RuleNode } from './dqdl/rules.js';

/**
 * A rule that every single row must meet, as a condition over the row (true when it
 * passes); undefined for rules that look at the whole table (counts, uniqueness,
 * thresholds, other tables), which cannot decide about one row.
 */
function rowCondition(node: RuleNode): string | undefined {
  if (node.kind !== 'rule') {
    const parts = node.parts.map(rowCondition);
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.map((p) => `(${p})`).join(node.kind === 'and' ? ' AND ' : ' OR ');
  }
  // Completeness "c" > 0.9 allows some NULLs: no single row fails it.
  if (node.threshold !== null || node.type === 'Completeness') return undefined;
  const condition = leafCondition(node);
  if (condition === undefined) return undefined;
  // Rows outside the rule's where clause pass it.
  return node.where === null ? condition : `(NOT coalesce((${node.where}), false) OR ${condition})`;
}

/** The row-level rules of a ruleset, for a job's quarantine. */
export function rowRules(ruleset: string): RowRule[] {
  return parseRuleset(ruleset).flatMap(({ node, severity }) => {
    const condition = rowCondition(node);
    return condition === undefined ? [] : [{ rule: node.text, severity, condition }];
  });
}
