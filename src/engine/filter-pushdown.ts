import type { Expression } from '../iceberg/index.js';
import { predicateToExpression } from './predicate-expression.js';
import { isNode } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import type { ResolvedTable } from './ports.js';

/** What pruning needs to know of a table: its schema and what the caller sees of it. */
export type VisibleTable = Pick<ResolvedTable, 'schema' | 'columns' | 'masks'>;

/**
 * The part of a single-table query's WHERE that can prune data files. Only
 * top-level conjuncts are used, and only over columns the caller sees unmasked:
 * the query filters a masked value, so pruning on the real one could drop
 * matching rows, and a hidden column must not steer which files are read.
 * Returns undefined when nothing prunes.
 */
export async function pushdownFilter(
  root: SqlNode,
  tableNode: SqlNode,
  table: VisibleTable,
): Promise<Expression | undefined> {
  if (root.type !== 'SELECT_NODE' || root.from_table !== tableNode) return undefined;
  // `FROM t AS x(a, b)` renames columns: the WHERE's names are no longer the schema's.
  if ((tableNode.column_name_alias as unknown[] | undefined)?.length) return undefined;
  if (!isNode(root.where_clause)) return undefined;
  const concealed = concealedColumns(table);
  const conjuncts = topLevelConjuncts(root.where_clause).filter((c) => !mentionsAny(c, concealed));
  if (conjuncts.length === 0) return undefined;
  const where: SqlNode =
    conjuncts.length === 1
      ? (conjuncts[0] as SqlNode)
      : { class: 'CONJUNCTION', type: 'CONJUNCTION_AND', alias: '', children: conjuncts };
  const expression = await predicateToExpression(where, table.schema);
  return expression.op === 'true' ? undefined : expression;
}

function concealedColumns(table: VisibleTable): ReadonlySet<string> {
  const visible = new Set(table.columns ?? table.schema.fields.map((f) => f.name));
  const hidden = table.schema.fields.map((f) => f.name).filter((name) => !visible.has(name));
  const masked = Object.keys(table.masks ?? {});
  return new Set([...hidden, ...masked].map((name) => name.toLowerCase()));
}

function topLevelConjuncts(node: SqlNode): SqlNode[] {
  if (node.type !== 'CONJUNCTION_AND') return [node];
  return (node.children as SqlNode[]).flatMap(topLevelConjuncts);
}

function mentionsAny(value: unknown, columns: ReadonlySet<string>): boolean {
  if (columns.size === 0) return false;
  if (Array.isArray(value)) return value.some((v) => mentionsAny(v, columns));
  if (!isNode(value)) return false;
  if (value.class === 'COLUMN_REF') {
    const names = value.column_names as string[];
    return columns.has(String(names.at(-1)).toLowerCase());
  }
  return Object.values(value).some((v) => mentionsAny(v, columns));
}
