import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';

/**
 * The words of the search index with how many documents hold each, kept here rather
 * than read from fts5vocab or ts_stat so that typo correction is the same on both
 * backends and does not scan the index.
 */
export async function addWords(db: Kysely<Database>, words: string[]): Promise<void> {
  if (words.length === 0) return;
  await db
    .insertInto('search_vocabulary')
    .values(words.map((term) => ({ term, documents: 1 })))
    .onConflict((oc) =>
      oc.column('term').doUpdateSet({ documents: sql`search_vocabulary.documents + 1` }),
    )
    .execute();
}

/** counts: word -> how many of the removed documents held it. */
export async function removeWords(
  db: Kysely<Database>,
  counts: Map<string, number>,
): Promise<void> {
  if (counts.size === 0) return;
  for (const [term, n] of counts) {
    await db
      .updateTable('search_vocabulary')
      .set({ documents: sql`documents - ${n}` })
      .where('term', '=', term)
      .execute();
  }
  await db.deleteFrom('search_vocabulary').where('documents', '<=', 0).execute();
}

export function vocabularyReader(executor: Executor) {
  return {
    async knownWords(words: string[]): Promise<Set<string>> {
      if (words.length === 0) return new Set();
      const rows = await executor.db
        .selectFrom('search_vocabulary')
        .select('term')
        .where('term', 'in', words)
        .execute();
      return new Set(rows.map((r) => r.term));
    },

    async hasPrefix(prefix: string): Promise<boolean> {
      const row = await executor.db
        .selectFrom('search_vocabulary')
        .select('term')
        .where(sql<boolean>`substr(term, 1, ${[...prefix].length}) = ${prefix}`)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async wordsOfLength(min: number, max: number): Promise<string[]> {
      const rows = await executor.db
        .selectFrom('search_vocabulary')
        .select('term')
        .where(sql<number>`length(term)`, '>=', min)
        .where(sql<number>`length(term)`, '<=', max)
        .execute();
      return rows.map((r) => r.term);
    },
  };
}
