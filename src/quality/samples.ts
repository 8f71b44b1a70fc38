import type { RuleResult } from './contract.js';
import type { RulesetSource } from './plan.js';

/** Failing rows shown per rule: enough to see the problem, never the table. */
export const SAMPLE_SIZE = 10;

type Sample = NonNullable<RuleResult['failingRows']>;

/**
 * Up to SAMPLE_SIZE failing rows of each query, read through the source (so as the
 * caller sees them, masked), all in one UNION ALL; a sample that cannot be read is left
 * out rather than failing the evaluation.
 */
export async function failingSamples(
  source: Pick<RulesetSource, 'run'>,
  queries: string[],
): Promise<(Sample | undefined)[]> {
  if (queries.length === 0) return [];
  const part = (sql: string, i: number) =>
    `(SELECT ${i} AS __lakeward_rule, * FROM (${sql}) LIMIT ${SAMPLE_SIZE})`;
  try {
    const result = await source.run(queries.map(part).join(' UNION ALL '));
    const columns = result.columns.slice(1).map((c) => c.name);
    return queries.map((_, i) => ({
      columns,
      rows: result.rows.filter((r) => Number(r[0]) === i).map((r) => r.slice(1)),
    }));
  } catch {
    return Promise.all(
      queries.map(async (sql) => {
        try {
          const result = await source.run(`SELECT * FROM (${sql}) LIMIT ${SAMPLE_SIZE}`);
          return { columns: result.columns.map((c) => c.name), rows: result.rows };
        } catch {
          return undefined;
        }
      }),
    );
  }
}
