import { InvalidInput } from '../errors/index.js';
import { allowedFunctions } from './allowed-functions.js';
import type { SqlNode } from './sql-parser.js';

/**
 * What a governed query may contain, checked on DuckDB's own parse tree. The
 * sandbox would stop most escapes anyway; refusing them here gives the user a
 * clear reason instead of a permission error from deep inside DuckDB.
 */

/** FROM items a query may use; anything else (SHOW/DESCRIBE, COLUMN_DATA, …) is refused. */
const allowedFromKinds = new Set([
  'BASE_TABLE',
  'JOIN',
  'SUBQUERY',
  'EXPRESSION_LIST',
  'EMPTY',
  'PIVOT',
  'TABLE_FUNCTION',
]);

/** Table functions that only compute rows from their arguments and read nothing. */
const generatorFunctions = new Set(['range', 'generate_series', 'unnest']);

/**
 * Functions that read settings, the environment, logs, files or run SQL of their
 * own. None is on the allow-list; naming them gives their refusal a sharper reason.
 */
const deniedFunctions = new Set([
  'getenv',
  'current_setting',
  'getvariable',
  'write_log',
  'json_execute_serialized_sql',
  'query',
  'query_table',
  'glob',
  'sniff_csv',
  'sql_auto_complete',
  'checkpoint',
  'force_checkpoint',
  'enable_logging',
  'disable_logging',
  'truncate_duckdb_logs',
  'which_secret',
  'parse_duckdb_log_message',
  // A sandbox serves queries in turn: the random seed would carry over to the next
  // query, and these counters would tell how many queries ran in it before.
  'setseed',
  'txid_current',
  'current_transaction_id',
  'current_query_id',
  // DuckDB's built-in macros that read its catalog: pg_get_viewdef would print the
  // generated views (data file paths, mask expressions and their keys, row filters).
  'pg_get_viewdef',
  'pg_get_constraintdef',
  'format_type',
  'get_block_size',
  // The rewritten query, with the generated view names.
  'current_query',
  // What the optimizer knows of a column, which may come from rows a filter hides.
  'stats',
]);
const deniedPrefixes = ['read_', 'duckdb_', 'pragma_', 'parquet_'];

const readOnlyHint =
  'Only one read-only SELECT (WITH, UNION, subqueries and VALUES included) can be run as a query.';

export function statementNotAllowed(what: string): InvalidInput {
  return new InvalidInput('STATEMENT_NOT_ALLOWED', `${what} is not allowed in a query.`, {
    hint: readOnlyHint,
  });
}

/** Throws when a FROM item is of a kind a query may not use. */
export function checkFromItem(node: SqlNode): void {
  const kind = String(node.type);
  if (kind === 'SHOW_REF') throw statementNotAllowed('DESCRIBE, SHOW or SUMMARIZE');
  if (!allowedFromKinds.has(kind)) throw statementNotAllowed(`A ${kind} source`);
  if (kind !== 'TABLE_FUNCTION') return;
  const fn = node.function as SqlNode | undefined;
  const name = String(fn?.function_name ?? '').toLowerCase();
  if (!generatorFunctions.has(name)) {
    throw new InvalidInput(
      'TABLE_FUNCTION_NOT_ALLOWED',
      `The table function ${name}() is not allowed: queries read catalog tables only.`,
      {
        hint: `Load files with 'lakeward ingest' and query the table; range, generate_series and unnest are allowed.`,
        details: { function: name },
      },
    );
  }
}

/** Whether a function is refused because it reads outside the query's tables. */
export function readsOutsideTables(name: string): boolean {
  const lower = name.toLowerCase();
  return deniedFunctions.has(lower) || deniedPrefixes.some((p) => lower.startsWith(p));
}

/**
 * Throws unless the function is on the allow-list: an allow-list, not a deny-list,
 * so that a function a DuckDB upgrade adds is refused until someone reviews it.
 */
export function checkFunctionCall(node: SqlNode): void {
  const name = String(node.function_name).toLowerCase();
  if (readsOutsideTables(name)) {
    throw new InvalidInput(
      'FUNCTION_NOT_ALLOWED',
      `The function ${name}() is not allowed in a query: it reads outside the query's tables.`,
      {
        hint: 'Remove the call; queries may only read catalog tables.',
        details: { function: name },
      },
    );
  }
  // A generator is a FUNCTION node too: under a TABLE_FUNCTION, or unnest in a select list.
  if (!allowedFunctions.has(name) && !generatorFunctions.has(name)) {
    throw new InvalidInput(
      'FUNCTION_NOT_ALLOWED',
      `The function ${name}() is not allowed in a query: it is not on the allow-list of query functions.`,
      {
        hint: "Check the function's name; queries may call DuckDB's built-in scalar, aggregate and window functions, except those that read the session, settings or catalog.",
        details: { function: name },
      },
    );
  }
}
