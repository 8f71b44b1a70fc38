import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { LakewardError } from '../../src/errors/index.js';
import { QueryEngine } from '../../src/engine/index.js';
import { allowedFunctions } from '../../src/engine/allowed-functions.js';
import { readsOutsideTables } from '../../src/engine/statement-policy.js';

/**
 * The review behind src/engine/allowed-functions.ts: DuckDB functions kept off the
 * list although no deny rule names them. Keep in step with the comment there.
 */
const reviewedOut = [
  /^current_(catalog|database|schema|schemas|connection_id|user|role)$/,
  /^(in_search_path|nextval|currval|session_user|user)$/,
  /^(col|obj|shobj)_description$/,
  /^has_\w+_privilege$/,
  /^pg_\w+_is_visible$/,
  /^pg_(get_expr|has_role|is_other_temp_schema|my_temp_schema|conf_load_time)$/,
  /^(pg_postmaster_start_time|inet_(client|server)_(addr|port)|format_pg_type|map_to_pg_oid)$/,
  /^(json_serialize_plan|sleep_ms|pg_sleep)$/,
  /^__internal_/,
];

/** Kinds a query cannot call as a function: FROM items and PRAGMAs are checked elsewhere. */
const notCallable = new Set(['table', 'table_macro', 'pragma']);

const engine = new QueryEngine({
  tempDir: '/nonexistent',
  timeoutMs: 10_000,
  memoryLimit: '64MB',
  maxResultRows: 10,
});

async function refusal(sql: string): Promise<LakewardError> {
  const err = await engine.analyze(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, sql).toBeInstanceOf(LakewardError);
  return err as LakewardError;
}

describe('the allow-list of query functions', () => {
  /** Every function DuckDB offers, lower case, with its kinds. */
  const offered = new Map<string, Set<string>>();

  beforeAll(async () => {
    // Configured as a sandbox is: no extension loads, so these are all a query can reach.
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const db = await instance.connect();
    const rows = (
      await db.runAndReadAll('SELECT DISTINCT function_name, function_type FROM duckdb_functions()')
    ).getRows() as [string, string][];
    db.closeSync();
    instance.closeSync();
    for (const [name, type] of rows) {
      const lower = name.toLowerCase();
      offered.set(lower, (offered.get(lower) ?? new Set()).add(type));
    }
  });

  it('holds, or refuses, every function DuckDB offers (an upgrade that adds one fails here)', () => {
    const unreviewed = [...offered]
      .filter(([name]) => !allowedFunctions.has(name) && !readsOutsideTables(name))
      .filter(([, types]) => [...types].some((type) => !notCallable.has(type)))
      .filter(([name]) => !reviewedOut.some((pattern) => pattern.test(name)))
      .map(([name]) => name);
    expect(unreviewed).toEqual([]);
  });

  it('names only functions DuckDB offers, none of them refused', () => {
    const unknown = [...allowedFunctions].filter((name) => !offered.has(name));
    expect(unknown).toEqual([]);
    expect([...allowedFunctions].filter(readsOutsideTables)).toEqual([]);
    const kept = [...allowedFunctions].filter((name) => reviewedOut.some((p) => p.test(name)));
    expect(kept).toEqual([]);
  });

  it('keeps the review in step with DuckDB: every pattern still matches a function', () => {
    const stale = reviewedOut.filter(
      (pattern) => ![...offered.keys()].some((n) => pattern.test(n)),
    );
    expect(stale).toEqual([]);
  });

  it('lets queries use operators, special syntax and the everyday functions', async () => {
    // Each form below reaches the parse tree as FUNCTION nodes (~~, !~~*, list_value, …).
    const sql = `SELECT count(*), count(DISTINCT a), sum(a) FILTER (WHERE a > 1), median(a),
        quantile_cont(a, 0.5), percentile_disc(0.5) WITHIN GROUP (ORDER BY a), string_agg(b, ','),
        row_number() OVER (), lag(a) OVER (ORDER BY a), any_value(regexp_replace(b, 'x', 'y')),
        max(b LIKE 'x%' OR b NOT ILIKE 'y' OR b GLOB 'z*' OR b SIMILAR TO 'a.*' OR b ^@ 'p'),
        max(EXTRACT(year FROM d) + date_diff('day', d, d + INTERVAL 1 DAY)),
        max(date_trunc('month', d)), max(strftime(d, '%Y')), max(a // 2 + a % 3 * 2 ** 2 - (-a)),
        max([1, 2] @> [a]), max(list_transform([a], x -> x + 1)[1]), max({'k': a}.k),
        max(struct_extract({'k': a}, 'k')), max(MAP {'k': a}['k']), max(b || 'x'),
        max(TRIM(BOTH 'x' FROM b)), max(SUBSTRING(b FROM 1 FOR 2)), max(POSITION('a' IN b)),
        max([x * 2 FOR x IN [a] IF x > 1][1]), max(CASE WHEN a > 1 THEN 'big' END),
        max(coalesce(nullif(a, 0), greatest(a, 1))), max(formatReadableSize(a)), max(version())
      FROM bronze.retail.invoices`;
    const analysis = await engine.analyze(sql);
    expect(analysis.tables.map((t) => t.parts.join('.'))).toEqual(['bronze.retail.invoices']);
    // Generators are FUNCTION nodes too, in a select list and under a table function.
    await engine.analyze('SELECT unnest([1, 2]), x, i FROM range(2) r(x), unnest([1]) u(i)');
  });

  it.each(['current_database()', 'sleep_ms(100000)', 'no_such_function(1)'])(
    'refuses %s as not on the allow-list, saying so',
    async (call) => {
      const err = await refusal(`SELECT ${call}`);
      expect(err.code).toBe('FUNCTION_NOT_ALLOWED');
      expect(err.message).toMatch(/is not on the allow-list of query functions/);
      expect(err.hint).toMatch(/built-in scalar, aggregate and window functions/);
    },
  );

  it('keeps the sharper reason for functions that read outside the tables', async () => {
    for (const call of ["read_csv('/etc/passwd')", "getenv('HOME')", 'current_query()']) {
      const err = await refusal(`SELECT ${call}`);
      expect(err.code).toBe('FUNCTION_NOT_ALLOWED');
      expect(err.message).toMatch(/reads outside the query's tables/);
    }
  });
});
