import type { RuleSeverity } from '../contract.js';

/** A value a rule compares with: a number, a text, NULL, or a duration (DataFreshness). */
export type Literal =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'duration'; hours: number; text: string };

export type ComparisonOp = '>' | '>=' | '<' | '<=' | '=' | '!=';

/** What a measured value (or each row's value) must satisfy. */
export type Constraint =
  | { kind: 'compare'; op: ComparisonOp; value: Literal }
  | { kind: 'between'; low: Literal; high: Literal; negated: boolean }
  | { kind: 'in'; values: Literal[]; negated: boolean }
  | { kind: 'matches'; pattern: string; negated: boolean };

export const RULE_TYPES = [
  'RowCount',
  'Completeness',
  'IsComplete',
  'Uniqueness',
  'IsUnique',
  'IsPrimaryKey',
  'ColumnValues',
  'ColumnLength',
  'ColumnExists',
  'ColumnDataType',
  'SchemaMatch',
  'Mean',
  'Sum',
  'StandardDeviation',
  'DistinctValuesCount',
  'UniqueValueRatio',
  'Entropy',
  'DataFreshness',
  'ReferentialIntegrity',
  'CustomSql',
  'RowCountMatch',
  'AggregateMatch',
  'DetectAnomalies',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** One rule as written: its type, quoted arguments and clauses. */
export interface RuleCall {
  kind: 'rule';
  type: RuleType;
  args: string[];
  constraint: Constraint | null;
  /** `with threshold …`: the share of rows that must pass (row-level rules). */
  threshold: Constraint | null;
  /** `where "…"`: a SQL condition choosing the rows the rule looks at. */
  where: string | null;
  text: string;
  line: number;
  column: number;
}

/** `(A) and (B)` / `(A) or (B)`. */
export interface Composite {
  kind: 'and' | 'or';
  parts: RuleNode[];
  text: string;
  line: number;
  column: number;
}

export type RuleNode = RuleCall | Composite;

export interface ParsedRule {
  node: RuleNode;
  severity: RuleSeverity;
}

/** How many quoted arguments each rule takes, and whether it compares with something. */
export interface RuleShape {
  minArgs: number;
  maxArgs: number;
  constraint: 'required' | 'optional' | 'none';
  /** Row-level: every row is checked, so `with threshold` applies and failing rows exist. */
  rowLevel: boolean;
  usage: string;
}

const shape = (
  minArgs: number,
  maxArgs: number,
  constraint: RuleShape['constraint'],
  rowLevel: boolean,
  usage: string,
): RuleShape => ({ minArgs, maxArgs, constraint, rowLevel, usage });

export const RULE_SHAPES: Record<RuleType, RuleShape> = {
  RowCount: shape(0, 0, 'required', false, 'RowCount between 100 and 200'),
  Completeness: shape(1, 1, 'required', true, 'Completeness "email" > 0.95'),
  IsComplete: shape(1, 1, 'none', true, 'IsComplete "customer_id"'),
  Uniqueness: shape(1, 1, 'required', false, 'Uniqueness "order_id" > 0.99'),
  IsUnique: shape(1, 1, 'none', true, 'IsUnique "order_id"'),
  IsPrimaryKey: shape(1, 8, 'none', true, 'IsPrimaryKey "invoice_no" "stock_code"'),
  ColumnValues: shape(1, 1, 'required', true, 'ColumnValues "quantity" > 0'),
  ColumnLength: shape(1, 1, 'required', true, 'ColumnLength "country" between 2 and 40'),
  ColumnExists: shape(1, 1, 'none', false, 'ColumnExists "customer_id"'),
  ColumnDataType: shape(1, 1, 'required', false, 'ColumnDataType "quantity" = "INTEGER"'),
  SchemaMatch: shape(1, 1, 'required', false, 'SchemaMatch "silver.crm.customers" = 1.0'),
  Mean: shape(1, 1, 'required', false, 'Mean "unit_price" between 1 and 10'),
  Sum: shape(1, 1, 'required', false, 'Sum "quantity" > 0'),
  StandardDeviation: shape(1, 1, 'required', false, 'StandardDeviation "unit_price" < 100'),
  DistinctValuesCount: shape(1, 1, 'required', false, 'DistinctValuesCount "country" > 10'),
  UniqueValueRatio: shape(1, 1, 'required', false, 'UniqueValueRatio "customer_id" < 0.5'),
  Entropy: shape(1, 1, 'required', false, 'Entropy "country" > 1'),
  DataFreshness: shape(1, 1, 'required', true, 'DataFreshness "invoice_date" <= 24 hours'),
  ReferentialIntegrity: shape(
    2,
    2,
    'required',
    true,
    'ReferentialIntegrity "customer_id" "silver.crm.customers.id" = 1.0',
  ),
  CustomSql: shape(1, 1, 'required', false, 'CustomSql "select count(*) from primary" > 0'),
  RowCountMatch: shape(1, 1, 'required', false, 'RowCountMatch "bronze.retail.sales" >= 0.9'),
  AggregateMatch: shape(
    2,
    2,
    'required',
    false,
    'AggregateMatch "sum(quantity)" "sum(bronze.retail.sales.quantity)" >= 0.99',
  ),
  DetectAnomalies: shape(1, 2, 'none', false, 'DetectAnomalies "RowCount"'),
};

/** The columns a rule reads from the evaluated table (for rules that name columns). */
export function columnsOf(rule: RuleCall): string[] {
  switch (rule.type) {
    case 'RowCount':
    case 'SchemaMatch':
    case 'CustomSql':
    case 'RowCountMatch':
    case 'AggregateMatch':
      return [];
    case 'IsPrimaryKey':
      return rule.args;
    case 'ReferentialIntegrity':
      return [rule.args[0]!];
    case 'DetectAnomalies':
      return rule.args.slice(1);
    default:
      return [rule.args[0]!];
  }
}
