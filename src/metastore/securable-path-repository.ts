import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Conflict } from '../errors/index.js';
import { translateConstraints } from './constraint-errors.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { SecurablePathRepository } from './governance-repositories.js';
import { nonEmptyPathText } from './securable-codec.js';

/** Every governance table and the column holding the path its rows hang off. */
const pathColumns = [
  { table: 'grants', column: 'securable_path' },
  { table: 'tag_assignments', column: 'securable_path' },
  { table: 'data_filters', column: 'table_path' },
  { table: 'column_masks', column: 'table_path' },
  { table: 'search_usage', column: 'table_path' },
  { table: 'classification_suggestions', column: 'table_path' },
  { table: 'business_metadata', column: 'securable_path' },
  { table: 'column_descriptions', column: 'table_path' },
  { table: 'metadata_history', column: 'securable_path' },
  { table: 'glossary_links', column: 'table_path' },
  { table: 'quality_rulesets', column: 'table_path' },
  { table: 'quality_runs', column: 'table_path' },
  { table: 'lineage_models', column: 'table_path' },
] as const;

/**
 * The rows on or below a path: their text is the path's text exactly, or starts with it
 * minus the closing bracket plus a comma. So bronze.retail2 is not below bronze.retail.
 * substr() counts characters on both databases, hence code points rather than .length.
 */
function onOrBelow(column: string, exact: string) {
  const below = exact.slice(0, -1) + ',';
  const belowLength = [...below].length;
  return sql<boolean>`(${sql.ref(column)} = ${exact} or substr(${sql.ref(column)}, 1, ${belowLength}) = ${below})`;
}

async function renameIn(
  tx: Kysely<Database>,
  target: (typeof pathColumns)[number],
  from: string,
  to: string,
): Promise<void> {
  // Keep everything after the old path's names (its closing bracket or ",child...]").
  const rest = sql<string>`substr(${sql.ref(target.column)}, ${[...from].length})`;
  await translateConstraints(
    () =>
      tx
        .updateTable(target.table)
        .set({ [target.column]: sql<string>`${to.slice(0, -1)} || ${rest}` })
        .where(onOrBelow(target.column, from))
        .execute(),
    {
      unique: () =>
        new Conflict(
          'SECURABLE_PATH_IN_USE',
          `Grants, tags, filters or masks already exist on ${to}.`,
          { hint: 'Remove the governance objects left on the target path, then rename again.' },
        ),
    },
  );
}

export function securablePathRepository(executor: Executor): SecurablePathRepository {
  return {
    async rename(from, to) {
      const [fromText, toText] = [nonEmptyPathText(from), nonEmptyPathText(to)];
      if (fromText === toText) return;
      await executor.atomic(async (tx) => {
        for (const target of pathColumns) await renameIn(tx, target, fromText, toText);
      });
    },

    async forget(path) {
      const text = nonEmptyPathText(path);
      await executor.atomic(async (tx) => {
        for (const target of pathColumns) {
          await tx.deleteFrom(target.table).where(onOrBelow(target.column, text)).execute();
        }
      });
    },
  };
}
