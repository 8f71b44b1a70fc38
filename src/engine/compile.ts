import { randomBytes } from 'node:crypto';
import { InternalError } from '../errors/index.js';
import type { Expression } from '../iceberg/index.js';
import type { ResolvedTable, TableReference, TableResolver } from './ports.js';
import { pushdownFilter } from './filter-pushdown.js';
import { tableScanSql } from './scan-sql.js';
import { analyzeTree, tableKey } from './sql-analysis.js';
import type { SqlAnalysis, TableSite } from './sql-analysis.js';
import { printAndReparse } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { quoteIdent } from './sql-quote.js';

/** A query ready for a sandbox: views over exactly the visible data, then the rewritten query. */
export interface CompiledQuery {
  /** CREATE VIEW statements to run first. */
  views: string[];
  /** DROP VIEW statements, to leave the sandbox as it was. */
  dropViews: string;
  sql: string;
  /** Every data file the views read; the sandbox allows these and nothing else. */
  dataFiles: string[];
  tablesRead: { name: string; snapshotId: string | null }[];
  /** Generated view name → the table's name as written, to translate DuckDB's messages. */
  viewNames: Map<string, string>;
}

/**
 * Resolves each distinct table of the query through the catalog and points the
 * query at a view per table, which applies the caller's columns, masks and row
 * filter. Note: compilation rewrites the analysis' tree in place.
 */
export async function compileQuery(
  analysis: SqlAnalysis,
  resolver: TableResolver,
): Promise<CompiledQuery> {
  const groups = groupByTable(analysis.sites);
  const compiled: CompiledQuery = {
    views: [],
    dropViews: '',
    sql: '',
    dataFiles: [],
    tablesRead: [],
    viewNames: new Map(),
  };
  requalifyColumns(analysis);
  const files = new Set<string>();
  // A sandbox may serve several queries in turn: names of this query's own keep
  // its views apart from any other query's, and cannot be guessed by one.
  const suffix = randomBytes(4).toString('hex');
  let index = 0;
  for (const sites of groups) {
    const first = sites[0] as TableSite;
    const viewName = `lw_t${++index}_${suffix}`;
    const prunable = groups.length === 1 && sites.length === 1;
    const table = await resolveTable(first, prunable ? analysis : undefined, resolver);
    compiled.views.push(viewSql(viewName, table));
    for (const file of [...table.dataFiles, ...(table.namedFiles ?? [])]) files.add(file);
    compiled.tablesRead.push({
      name: table.name,
      snapshotId: table.snapshotId?.toString() ?? null,
    });
    compiled.viewNames.set(viewName, first.written);
    for (const site of sites) pointAtView(site.node, viewName);
  }
  compiled.dataFiles = [...files];
  compiled.dropViews = [...compiled.viewNames.keys()]
    .map((name) => `DROP VIEW IF EXISTS ${name}`)
    .join('; ');
  const printed = await printAndReparse(analysis.tree);
  compiled.sql = printed.sql;
  recheck(compiled, printed.tree);
  return compiled;
}

/**
 * The printed SQL is what runs, so it is parsed and checked again: should DuckDB
 * ever print a tree back differently from how it parsed it, the query must still
 * read nothing but the generated views.
 */
function recheck(compiled: CompiledQuery, reparsed: SqlNode): void {
  const { sites } = analyzeTree(compiled.sql, reparsed);
  const onlyViews = sites.every(
    ({ ref }) => ref.parts.length === 1 && compiled.viewNames.has(ref.parts[0] as string),
  );
  if (!onlyViews) throw new InternalError('The rewritten query reads tables it was not meant to.');
}

/** References to the same table at the same point in time share one view. */
function groupByTable(sites: TableSite[]): TableSite[][] {
  const groups = new Map<string, TableSite[]>();
  for (const site of sites) {
    const key = tableKey(site.ref);
    groups.set(key, [...(groups.get(key) ?? []), site]);
  }
  return [...groups.values()];
}

/**
 * A query that reads one table once gets file pruning from its WHERE (pass its
 * analysis). The filter depends on the schema and on what the caller sees, so the
 * table is described first (or, if the resolver cannot describe, resolved twice).
 */
async function resolveTable(
  site: TableSite,
  analysis: SqlAnalysis | undefined,
  resolver: TableResolver,
): Promise<ResolvedTable> {
  if (analysis === undefined) return resolver.resolve(site.ref);
  const withFilter = (filter: Expression | undefined): TableReference =>
    filter === undefined ? site.ref : { ...site.ref, filter };
  if (resolver.describe) {
    const visible = await resolver.describe(site.ref);
    return resolver.resolve(withFilter(await pushdownFilter(analysis.root, site.node, visible)));
  }
  const table = await resolver.resolve(site.ref);
  const filter = await pushdownFilter(analysis.root, site.node, table);
  return filter === undefined ? table : resolver.resolve(withFilter(filter));
}

/**
 * The row filter sees real values (it runs before masking); the query sees only
 * the visible columns, masked, so a masked value cannot be recovered by filtering,
 * joining or grouping on it.
 */
function viewSql(viewName: string, table: ResolvedTable): string {
  const columns = table.columns ?? table.schema.fields.map((f) => f.name);
  const projected = columns.map((name) => {
    const mask = table.masks?.[name];
    return mask === undefined ? quoteIdent(name) : `(${mask}) AS ${quoteIdent(name)}`;
  });
  const filter = table.rowFilter === undefined ? '' : ` WHERE (${table.rowFilter})`;
  const rows = `SELECT * FROM (${tableScanSql(table)}) AS lw_scan${filter}`;
  return `CREATE VIEW ${viewName} AS SELECT ${projected.join(', ')} FROM (${rows}) AS lw_rows`;
}

/**
 * `retail.invoices.amount` names its table by the catalog path, which no longer
 * exists once the table is a view; it becomes `invoices.amount`, the view's alias.
 */
function requalifyColumns(analysis: SqlAnalysis): void {
  const unaliased = analysis.sites.filter((site) => site.node.alias === '');
  for (const column of analysis.qualifiedColumns) {
    const names = column.column_names as string[];
    const lower = names.map((n) => n.toLowerCase());
    for (const { ref } of unaliased) {
      const parts = ref.parts.map((p) => p.toLowerCase());
      const length = [3, 2].find(
        (k) =>
          k <= parts.length && k < names.length && sameParts(lower.slice(0, k), parts.slice(-k)),
      );
      if (length === undefined) continue;
      column.column_names = [ref.parts.at(-1), ...names.slice(length)];
      break;
    }
  }
}

function sameParts(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

/** Keeps the table's own name as alias, so `invoices.amount` still binds. */
function pointAtView(node: SqlNode, viewName: string): void {
  if (node.alias === '') node.alias = node.table_name;
  node.catalog_name = '';
  node.schema_name = '';
  node.table_name = viewName;
  node.at_clause = null;
}
