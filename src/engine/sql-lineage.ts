import { analyzeTree } from './sql-analysis.js';
import { deserializeSql, isNode, selectOneTree, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';

/** How an output column is made from its sources, from the least to the most transformed. */
export type LineageTransformation = 'identity' | 'expression' | 'aggregate';

export interface SourceColumn {
  table: string;
  column: string;
}

export interface OutputColumnLineage {
  column: string;
  sources: SourceColumn[];
  transformation: LineageTransformation;
}

export interface QueryLineage {
  /** Tables read, by the names `tableOf` gave them, sorted. */
  tables: string[];
  columns: OutputColumnLineage[];
}

/** A table named in SQL, as the catalog knows it: its name and its columns in order. */
export type TableColumns = (parts: string[]) => Promise<{ table: string; columns: string[] }>;

interface Derived {
  name: string;
  sources: Map<string, SourceColumn>;
  transformation: LineageTransformation;
}

/** A relation in a FROM clause: its name for qualified references and its columns. */
interface Relation {
  name: string;
  columns: Derived[];
  /** Columns a JOIN … USING merged: `*` shows them once. */
  using?: Set<string>;
}

interface Scope {
  relations: Relation[];
  ctes: Map<string, Derived[]>;
  parent: Scope | undefined;
}

const rank: Record<LineageTransformation, number> = { identity: 0, expression: 1, aggregate: 2 };

/** Aggregate functions as DuckDB's parser names them (count(*) parses to count_star). */
const AGGREGATES = new Set(
  `count count_star sum avg mean min max any_value first last arbitrary string_agg group_concat
  listagg list array_agg median mode quantile quantile_cont quantile_disc approx_quantile
  stddev stddev_pop stddev_samp var_pop var_samp variance approx_count_distinct bool_and
  bool_or bit_and bit_or bit_xor arg_max arg_min max_by min_by product sumkahan fsum favg
  kurtosis skewness entropy corr covar_pop covar_samp regr_slope regr_intercept histogram
  bitstring_agg geomean`.split(/\s+/),
);

/**
 * Column-level lineage of one SELECT from DuckDB's parse tree: each output column's source
 * columns and how it is made. CTEs and subqueries are followed to the tables they read,
 * `*` is expanded with the tables' columns, unqualified names resolve against the FROM
 * relations (an ambiguous one against all candidates, as USING columns are), and both
 * branches of a set operation count. A window's sources are its arguments plus its
 * PARTITION BY and ORDER BY columns: they decide its value.
 */
export async function sqlLineage(sql: string, tableOf: TableColumns): Promise<QueryLineage> {
  const analysis = analyzeTree(sql, await serializeSql(sql));
  const known = new Map<string, Promise<{ table: string; columns: string[] }>>();
  const lookup = (parts: string[]) => {
    const key = JSON.stringify(parts.map((p) => p.toLowerCase()));
    let found = known.get(key);
    if (found === undefined) {
      found = tableOf(parts);
      known.set(key, found);
    }
    return found;
  };
  const tables = new Set<string>();
  for (const site of analysis.sites) tables.add((await lookup(site.ref.parts)).table);
  const columns = await queryColumns(analysis.root, undefined, lookup);
  return {
    tables: [...tables].sort(),
    columns: columns.map((c) => ({
      column: c.name,
      sources: [...c.sources.values()].sort(
        (a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column),
      ),
      transformation: c.transformation,
    })),
  };
}

async function queryColumns(
  node: SqlNode,
  parent: Scope | undefined,
  lookup: TableColumns,
): Promise<Derived[]> {
  const scope: Scope = { relations: [], ctes: new Map(parent?.ctes), parent };
  const map = (node.cte_map as { map?: { key: string; value: SqlNode }[] } | undefined)?.map;
  for (const entry of map ?? []) {
    const cte = entry.value;
    const body = (cte.query as { node: SqlNode }).node;
    const name = entry.key.toLowerCase();
    // A recursive CTE reads itself: as its anchor (the first branch) while it is analysed.
    const anchor =
      body.type === 'RECURSIVE_CTE_NODE'
        ? renamed(await queryColumns(body.left as SqlNode, scope, lookup), cte.aliases)
        : [];
    scope.ctes.set(name, anchor);
    scope.ctes.set(name, renamed(await queryColumns(body, scope, lookup), cte.aliases));
  }
  switch (node.type) {
    case 'SELECT_NODE':
      return selectColumns(node, scope, lookup);
    case 'SET_OPERATION_NODE':
    case 'RECURSIVE_CTE_NODE': {
      const left = await queryColumns(node.left as SqlNode, scope, lookup);
      const right = await queryColumns(node.right as SqlNode, scope, lookup);
      return left.map((column, i) => merged(column.name, [column, right[i]]));
    }
    case 'CTE_NODE':
      return queryColumns(node.child as SqlNode, scope, lookup);
    default:
      return [];
  }
}

async function selectColumns(
  node: SqlNode,
  scope: Scope,
  lookup: TableColumns,
): Promise<Derived[]> {
  if (isNode(node.from_table))
    scope.relations = await fromRelations(node.from_table, scope, lookup);
  const out: Derived[] = [];
  for (const item of node.select_list as SqlNode[]) {
    if (item.class === 'STAR' && item.columns !== true) {
      out.push(...(await starColumns(item, scope, lookup)));
      continue;
    }
    const name = await outputName(item);
    out.push({ ...(await expressionLineage(item, scope, lookup, out)), name });
  }
  return out;
}

async function fromRelations(
  item: SqlNode,
  scope: Scope,
  lookup: TableColumns,
): Promise<Relation[]> {
  const alias = String(item.alias ?? '');
  switch (item.type) {
    case 'BASE_TABLE': {
      const name = String(item.table_name);
      const parts = [item.catalog_name, item.schema_name, item.table_name]
        .map((part) => String(part ?? ''))
        .filter((part) => part !== '');
      const cte = parts.length === 1 ? scope.ctes.get(name.toLowerCase()) : undefined;
      if (cte !== undefined) {
        return [{ name: alias || name, columns: renamed(cte, item.column_name_alias) }];
      }
      const { table, columns } = await lookup(parts);
      const derived = columns.map((column) => ({
        name: column,
        sources: new Map([[key({ table, column }), { table, column }]]),
        transformation: 'identity' as const,
      }));
      return [{ name: alias || name, columns: renamed(derived, item.column_name_alias) }];
    }
    case 'SUBQUERY': {
      const query = (item.subquery as { node: SqlNode }).node;
      const columns = await queryColumns(query, scope, lookup);
      return [{ name: alias, columns: renamed(columns, item.column_name_alias) }];
    }
    case 'JOIN': {
      const left = await fromRelations(item.left as SqlNode, scope, lookup);
      const inner: Scope = { ...scope, relations: left };
      const right = await fromRelations(item.right as SqlNode, inner, lookup);
      const using =
        item.ref_type === 'NATURAL'
          ? shared(left, right)
          : ((item.using_columns as string[] | undefined) ?? []);
      if (using.length === 0) return [...left, ...right];
      const merging = new Set(using.map((c) => c.toLowerCase()));
      return [...left, ...right.map((r) => ({ ...r, using: merging }))];
    }
    case 'EXPRESSION_LIST': {
      // VALUES: constants (or expressions over outer columns), named col0, col1, … unless aliased.
      const rows = (item.values as SqlNode[][] | undefined) ?? [];
      const columns: Derived[] = [];
      for (let i = 0; i < (rows[0]?.length ?? 0); i++) {
        const parts = await Promise.all(
          rows.map((row) => expressionLineage(row[i] as SqlNode, scope, lookup, [])),
        );
        columns.push(
          merged(
            `col${i}`,
            parts.map((p) => ({ ...p, name: '' })),
          ),
        );
      }
      return [{ name: alias, columns: renamed(columns, item.column_name_alias) }];
    }
    default:
      // Table functions, VALUES lists, PIVOTs: no catalog columns to trace.
      return [];
  }
}

async function starColumns(star: SqlNode, scope: Scope, lookup: TableColumns): Promise<Derived[]> {
  const only = String(star.relation_name ?? '').toLowerCase();
  const excluded = new Set(((star.exclude_list as string[]) ?? []).map((c) => c.toLowerCase()));
  const replaced = new Map(
    ((star.replace_list as { key: string; value: SqlNode }[]) ?? []).map((r) => [
      r.key.toLowerCase(),
      r.value,
    ]),
  );
  const out: Derived[] = [];
  for (const relation of scope.relations) {
    if (only !== '' && relation.name.toLowerCase() !== only) continue;
    for (const column of relation.columns) {
      const lower = column.name.toLowerCase();
      if (excluded.has(lower)) continue;
      const earlier = out.find((c) => c.name.toLowerCase() === lower);
      if (earlier !== undefined && relation.using?.has(lower)) {
        Object.assign(earlier, merged(earlier.name, [earlier, column]));
        continue;
      }
      const replacement = replaced.get(lower);
      out.push(
        replacement === undefined
          ? column
          : { ...(await expressionLineage(replacement, scope, lookup, out)), name: column.name },
      );
    }
  }
  return out;
}

/** Sources and transformation of one expression; `lateral` holds earlier select items. */
async function expressionLineage(
  expr: SqlNode,
  scope: Scope,
  lookup: TableColumns,
  lateral: Derived[],
): Promise<Omit<Derived, 'name'>> {
  if (expr.class === 'COLUMN_REF') {
    const found = resolve(expr.column_names as string[], scope, lateral);
    return found.length === 1 && found[0] !== undefined
      ? { sources: found[0].sources, transformation: found[0].transformation }
      : merged('', found);
  }
  const parts: Derived[] = [];
  let own: LineageTransformation = 'expression';
  const visit = async (value: unknown): Promise<void> => {
    if (Array.isArray(value)) {
      for (const v of value) await visit(v);
      return;
    }
    // A constant's payload is data, never a column.
    if (!isNode(value) || value.class === 'CONSTANT') return;
    if (value.class === 'COLUMN_REF') {
      parts.push(...resolve(value.column_names as string[], scope, lateral));
      return;
    }
    if (value.class === 'SUBQUERY') {
      const inner = await queryColumns((value.subquery as { node: SqlNode }).node, scope, lookup);
      parts.push(...inner);
      await visit(value.child);
      return;
    }
    if (value.class === 'FUNCTION' && AGGREGATES.has(String(value.function_name).toLowerCase())) {
      own = 'aggregate';
    }
    if (value.class === 'WINDOW' && AGGREGATES.has(String(value.function_name).toLowerCase())) {
      own = 'aggregate';
    }
    for (const child of Object.values(value)) await visit(child);
  };
  await visit(expr);
  const lineage = merged('', parts);
  return { sources: lineage.sources, transformation: max(own, lineage.transformation) };
}

/** The columns a reference may mean: the FROM relations first, then outer queries, then earlier select aliases. */
function resolve(names: string[], scope: Scope, lateral: Derived[]): Derived[] {
  const lower = names.map((n) => n.toLowerCase());
  const column = lower[lower.length - 1] ?? '';
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    if (lower.length >= 2) {
      const relationName = lower[lower.length - 2];
      const relation = s.relations.find((r) => r.name.toLowerCase() === relationName);
      const hit = relation?.columns.find((c) => c.name.toLowerCase() === column);
      if (hit !== undefined) return [hit];
    }
    // Unqualified, or a struct field (`address.city`): the first name is the column.
    const wanted = lower.length >= 2 ? (lower[0] ?? '') : column;
    const hits = s.relations.flatMap((r) =>
      r.columns.filter((c) => c.name.toLowerCase() === wanted),
    );
    if (hits.length > 0) return hits;
  }
  const alias = lateral.find((c) => c.name.toLowerCase() === column);
  return alias === undefined ? [] : [alias];
}

/** Column names both sides of a NATURAL join have. */
function shared(left: Relation[], right: Relation[]): string[] {
  const names = new Set(left.flatMap((r) => r.columns.map((c) => c.name.toLowerCase())));
  return right
    .flatMap((r) => r.columns.map((c) => c.name))
    .filter((n) => names.has(n.toLowerCase()));
}

function merged(name: string, parts: (Derived | undefined)[]): Derived {
  const sources = new Map<string, SourceColumn>();
  let transformation: LineageTransformation = 'identity';
  let any = false;
  for (const part of parts) {
    if (part === undefined) continue;
    any = true;
    for (const [k, v] of part.sources) sources.set(k, v);
    transformation = max(transformation, part.transformation);
  }
  // A column made of no column (a constant) is computed, not copied.
  return { name, sources, transformation: any ? transformation : 'expression' };
}

function renamed(columns: Derived[], aliases: unknown): Derived[] {
  const names = Array.isArray(aliases) ? (aliases as string[]) : [];
  return columns.map((c, i) => ({ ...c, name: names[i] ?? c.name }));
}

function max(a: LineageTransformation, b: LineageTransformation): LineageTransformation {
  return rank[a] >= rank[b] ? a : b;
}

function key(source: SourceColumn): string {
  return `${source.table}\u0000${source.column}`;
}

/** The name DuckDB gives a select item: its alias, a column's own name, else its text. */
async function outputName(item: SqlNode): Promise<string> {
  if (typeof item.alias === 'string' && item.alias !== '') return item.alias;
  if (item.class === 'COLUMN_REF') {
    const names = item.column_names as string[];
    return names[names.length - 1] ?? '';
  }
  const tree = await selectOneTree();
  const statement = (tree.statements as { node: SqlNode }[])[0] as { node: SqlNode };
  statement.node.select_list = [item];
  return (await deserializeSql(tree)).replace(/^SELECT\s+/i, '');
}
