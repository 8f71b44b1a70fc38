import {
  icebergToDuckType,
  quoteIdent,
  quoteLiteral,
  schemaFromDuckColumns,
} from '../engine/index.js';
import type { Session } from '../engine/index.js';
import type { TableIdent } from '../catalog/index.js';
import type { RowRule } from '../quality/index.js';
import type { Schema } from '../iceberg/index.js';

/** Columns a quarantined row carries besides the target's. */
export const QUARANTINE_COLUMNS = {
  failedRules: '_failed_rules',
  runId: '_run_id',
  quarantinedAt: '_quarantined_at',
} as const;

const CHECKED = 'lakeward_checked_rows';

/** The staged rows split by the ruleset's row-level error rules. */
export interface RowSplit {
  /** Rows that pass every rule (the target's columns). */
  passingSql: string;
  /** Rows failing at least one, with the rules they failed, the run id and the time. */
  failingSql: string;
  failing: number;
}

/** `silver.retail.sales` → `silver.retail.sales__quarantine`. */
export function quarantineIdent(target: TableIdent): TableIdent {
  return { namespace: target.namespace, name: `${target.name}__quarantine` };
}

/** The quarantine table's schema: the target's columns, then why and when each row was set aside. */
export function quarantineSchema(target: Schema): Schema {
  return schemaFromDuckColumns([
    ...target.fields.map((f) => ({ name: f.name, type: icebergToDuckType(f.type) })),
    { name: QUARANTINE_COLUMNS.failedRules, type: 'VARCHAR[]' },
    { name: QUARANTINE_COLUMNS.runId, type: 'VARCHAR' },
    { name: QUARANTINE_COLUMNS.quarantinedAt, type: 'TIMESTAMP WITH TIME ZONE' },
  ]);
}

/**
 * Marks each staged row with the row rules it fails (a condition that is not true,
 * NULL included, fails: the rule could not vouch for the row) in a temporary table of
 * the session, which both halves read until the session closes.
 */
export async function splitRows(
  session: Session,
  rowsSql: string,
  rules: RowRule[],
  runId: string,
): Promise<RowSplit> {
  const failed = rules.map(
    (r) => `CASE WHEN coalesce((${r.condition}), false) THEN NULL ELSE ${quoteLiteral(r.rule)} END`,
  );
  const list = `list_filter([${failed.join(', ')}]::VARCHAR[], r -> r IS NOT NULL)`;
  const column = quoteIdent(QUARANTINE_COLUMNS.failedRules);
  await session.run(
    `CREATE OR REPLACE TEMP TABLE ${CHECKED} AS SELECT rows.*, ${list} AS ${column} FROM (${rowsSql}) AS rows`,
  );
  const [row] = await session.all<{ n: string | number }>(
    `SELECT count(*) AS n FROM ${CHECKED} WHERE len(${column}) > 0`,
  );
  return {
    passingSql: `SELECT * EXCLUDE (${column}) FROM ${CHECKED} WHERE len(${column}) = 0`,
    failingSql:
      `SELECT *, ${quoteLiteral(runId)} AS ${quoteIdent(QUARANTINE_COLUMNS.runId)}, ` +
      `now() AS ${quoteIdent(QUARANTINE_COLUMNS.quarantinedAt)} FROM ${CHECKED} WHERE len(${column}) > 0`,
    failing: Number(row?.n ?? 0),
  };
}
