import type { Expression, NestedField, PrimitiveType, Schema } from '../iceberg/index.js';
import { deserializeSql, evaluateToText, isNode, selectOneTree } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { icebergToDuckType } from './types-mapping.js';
import { numericValueFromText } from './value-text.js';

/**
 * Translates a checked predicate tree into an Iceberg Expression for file pruning.
 * A part that cannot be translated is dropped from its AND (the result is then a
 * looser condition, never a stricter one); `exact` tracks whether the translation
 * is equivalent, because only an exact condition may be negated.
 */
interface Translation {
  expr: Expression;
  exact: boolean;
}

type Comparison = 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'neq';

const comparisons: Record<string, [Comparison, Comparison]> = {
  // [as written, with the constant on the left]
  COMPARE_EQUAL: ['eq', 'eq'],
  COMPARE_NOTEQUAL: ['neq', 'neq'],
  COMPARE_LESSTHAN: ['lt', 'gt'],
  COMPARE_GREATERTHAN: ['gt', 'lt'],
  COMPARE_LESSTHANOREQUALTO: ['lte', 'gte'],
  COMPARE_GREATERTHANOREQUALTO: ['gte', 'lte'],
};

export async function predicateToExpression(where: SqlNode, schema: Schema): Promise<Expression> {
  const translated = await translate(where, schema);
  return translated?.expr ?? { op: 'true' };
}

async function translate(node: SqlNode, schema: Schema): Promise<Translation | undefined> {
  const children = Array.isArray(node.children) ? (node.children as SqlNode[]) : [];
  switch (node.type) {
    case 'CONJUNCTION_AND':
      return translateAnd(children, schema);
    case 'CONJUNCTION_OR':
      return translateOr(children, schema);
    case 'OPERATOR_NOT': {
      const inner = children[0] && (await translate(children[0], schema));
      return inner?.exact ? { expr: { op: 'not', arg: inner.expr }, exact: true } : undefined;
    }
    case 'OPERATOR_IS_NULL':
    case 'OPERATOR_IS_NOT_NULL': {
      const field = children[0] && columnOf(children[0], schema);
      if (!field) return undefined;
      const op = node.type === 'OPERATOR_IS_NULL' ? 'isNull' : 'notNull';
      return { expr: { op, field: field.name }, exact: true };
    }
    case 'COMPARE_IN':
    case 'COMPARE_NOT_IN':
      return translateIn(node.type === 'COMPARE_IN' ? 'in' : 'notIn', children, schema);
    case 'COMPARE_BETWEEN':
      return translateBetween(node, schema);
    case 'FUNCTION':
      return translateLike(node, children, schema);
  }
  const ops = comparisons[String(node.type)];
  if (ops && isNode(node.left) && isNode(node.right)) {
    return (
      (await translateComparison(ops[0], node.left, node.right, schema)) ??
      translateComparison(ops[1], node.right, node.left, schema)
    );
  }
  return undefined;
}

async function translateAnd(children: SqlNode[], schema: Schema): Promise<Translation | undefined> {
  const parts = await Promise.all(children.map((c) => translate(c, schema)));
  const kept = parts.filter((p): p is Translation => p !== undefined);
  const first = kept[0];
  if (!first) return undefined;
  const expr = kept
    .slice(1)
    .reduce<Expression>((l, r) => ({ op: 'and', left: l, right: r.expr }), first.expr);
  return { expr, exact: kept.length === parts.length && kept.every((p) => p.exact) };
}

async function translateOr(children: SqlNode[], schema: Schema): Promise<Translation | undefined> {
  const parts = await Promise.all(children.map((c) => translate(c, schema)));
  const first = parts[0];
  if (!first || parts.some((p) => p === undefined)) return undefined;
  const kept = parts as Translation[];
  const expr = kept
    .slice(1)
    .reduce<Expression>((l, r) => ({ op: 'or', left: l, right: r.expr }), first.expr);
  return { expr, exact: kept.every((p) => p.exact) };
}

async function translateComparison(
  op: Comparison,
  columnNode: SqlNode,
  constantNode: SqlNode,
  schema: Schema,
): Promise<Translation | undefined> {
  const field = columnOf(columnNode, schema);
  if (!field) return undefined;
  const value = await constantValue(constantNode, field);
  if (value === undefined) return undefined;
  return { expr: { op, field: field.name, value }, exact: true };
}

async function translateIn(
  op: 'in' | 'notIn',
  children: SqlNode[],
  schema: Schema,
): Promise<Translation | undefined> {
  const [column, ...list] = children;
  const field = column && columnOf(column, schema);
  if (!field) return undefined;
  const values = await Promise.all(list.map((c) => constantValue(c, field)));
  if (values.some((v) => v === undefined)) return undefined;
  return { expr: { op, field: field.name, values }, exact: true };
}

async function translateBetween(node: SqlNode, schema: Schema): Promise<Translation | undefined> {
  const { input, lower, upper } = node;
  if (!isNode(input) || !isNode(lower) || !isNode(upper)) return undefined;
  const low = await translateComparison('gte', input, lower, schema);
  const high = await translateComparison('lte', input, upper, schema);
  if (!low || !high) return undefined;
  return { expr: { op: 'and', left: low.expr, right: high.expr }, exact: true };
}

/** LIKE 'abc%' is a prefix test; LIKE 'abc' (no wildcard) is equality. */
async function translateLike(
  node: SqlNode,
  children: SqlNode[],
  schema: Schema,
): Promise<Translation | undefined> {
  const negated = node.function_name === '!~~';
  if (node.function_name !== '~~' && !negated) return undefined;
  const [column, pattern] = children;
  const field = column && columnOf(column, schema);
  if (!field || field.type !== 'string' || !pattern) return undefined;
  const text = await constantValue(pattern, field);
  if (typeof text !== 'string') return undefined;
  if (!/[%_]/.test(text)) {
    return { expr: { op: negated ? 'neq' : 'eq', field: field.name, value: text }, exact: true };
  }
  const prefix = /^([^%_]*)%$/.exec(text)?.[1];
  if (prefix === undefined) return undefined;
  const op = negated ? 'notStartsWith' : 'startsWith';
  return { expr: { op, field: field.name, value: prefix }, exact: true };
}

function columnOf(node: SqlNode, schema: Schema): NestedField | undefined {
  if (node.class !== 'COLUMN_REF') return undefined;
  const names = node.column_names as string[];
  if (names.length !== 1) return undefined;
  const wanted = String(names[0]).toLowerCase();
  const field = schema.fields.find((f) => f.name.toLowerCase() === wanted);
  return field && typeof field.type === 'string' ? field : undefined;
}

/**
 * The constant in the column's Iceberg value form, computed by DuckDB with the same
 * casts the query will use; undefined when the constant is not exactly a value of the
 * column's type (e.g. 1.5 against an int column), since pruning on a rounded value
 * would be wrong.
 */
async function constantValue(node: SqlNode, field: NestedField): Promise<unknown> {
  if (!isConstant(node)) return undefined;
  const type = field.type as PrimitiveType;
  const literal = await expressionSql(node);
  if (type === 'string') return stringConstant(node, literal);
  const canonical = canonicalSql(type, `CAST(${literal} AS ${icebergToDuckType(type)})`);
  if (canonical === undefined) return undefined;
  try {
    const text = await evaluateToText(
      `CASE WHEN CAST(${literal} AS ${icebergToDuckType(type)}) = ${literal} THEN ${canonical} END`,
    );
    return text === null ? undefined : numericValueFromText(type, text);
  } catch {
    return undefined;
  }
}

/** A string column compared with a number is compared as a number by DuckDB; only text constants translate. */
async function stringConstant(node: SqlNode, literal: string): Promise<string | undefined> {
  const typeId = (node.value as { type?: { id?: string } } | undefined)?.type?.id;
  if (node.class !== 'CONSTANT' || typeId !== 'VARCHAR') return undefined;
  return (await evaluateToText(literal)) ?? undefined;
}

function canonicalSql(type: PrimitiveType, cast: string): string | undefined {
  switch (type) {
    case 'date':
      return `${cast} - DATE '1970-01-01'`;
    case 'time':
      return `epoch_us(DATE '1970-01-01' + ${cast})`;
    case 'timestamp':
    case 'timestamptz':
      return `epoch_us(${cast})`;
    case 'timestamp_ns':
      return `epoch_ns(${cast})`;
    case 'timestamptz_ns':
      return `epoch_us(${cast}) * 1000`;
    case 'binary':
    case 'unknown':
      return undefined;
  }
  return type.startsWith('fixed') ? undefined : cast;
}

function isConstant(node: SqlNode): boolean {
  if (node.class === 'CONSTANT') return true;
  return (
    node.class === 'CAST' && node.try_cast !== true && isNode(node.child) && isConstant(node.child)
  );
}

/** SQL text of one expression node, printed by DuckDB. */
async function expressionSql(node: SqlNode): Promise<string> {
  const template = await selectOneTree();
  const select = (template.statements as { node: SqlNode }[])[0]?.node;
  if (!select) throw new Error('DuckDB returned no parse tree for a constant query');
  select.select_list = [node];
  return (await deserializeSql(template)).replace(/^SELECT /, '');
}
