import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Database, MetastoreDialect } from './database.js';
import { SEARCH_FIELDS } from './search-migration.js';
import type { SearchField } from './search-migration.js';

/** A word of the query; prefix: also words that start with it. */
export interface SearchWord {
  word: string;
  prefix: boolean;
}

/** The query words: each group is one word and its alternatives (typos). */
export interface FullTextQuery {
  groups: SearchWord[][];
  /** all: every group must match; any: at least one. */
  mode: 'all' | 'any';
}

/**
 * The part of the search index that differs by backend: SQLite FTS5 (a virtual table
 * beside the documents, ranked by bm25 with field weights) or PostgreSQL full-text (a
 * weighted tsvector column with a GIN index, ranked by ts_rank_cd). Both index the
 * words the indexer split, so both match the same documents.
 */
export interface FullTextIndex {
  write(
    db: Kysely<Database>,
    id: string,
    words: Partial<Record<SearchField, string[]>>,
  ): Promise<void>;
  /** Before documents are deleted: SQLite keeps their index entries apart. */
  forget(db: Kysely<Database>, ids: string[]): Promise<void>;
  clear(db: Kysely<Database>): Promise<void>;
  /** The matching documents as a table of (doc_key, relevance), higher is better. */
  matches(query: FullTextQuery): RawBuilder<unknown>;
  /** The documents' column doc_key refers to. */
  readonly documentKey: 'd.rowid' | 'd.id';
}

function fieldTexts(words: Partial<Record<SearchField, string[]>>): string[] {
  return SEARCH_FIELDS.map((f) => (words[f.field] ?? []).join(' '));
}

function queryText(query: FullTextQuery, dialect: MetastoreDialect): string {
  const word = (w: SearchWord) =>
    dialect === 'postgres'
      ? `'${w.word.replaceAll("'", "''")}'${w.prefix ? ':*' : ''}`
      : `"${w.word.replaceAll('"', '""')}"${w.prefix ? ' *' : ''}`;
  const [or, and] = dialect === 'postgres' ? [' | ', ' & '] : [' OR ', ' AND '];
  const groups = query.groups.map((g) => `(${g.map(word).join(or)})`);
  return groups.join(query.mode === 'all' ? and : or);
}

const postgres: FullTextIndex = {
  documentKey: 'd.id',
  async write(db, id, words) {
    const texts = fieldTexts(words);
    const vector = sql.join(
      SEARCH_FIELDS.map(
        (f, i) => sql`setweight(to_tsvector('simple', ${texts[i]}), ${sql.lit(f.pgWeight)})`,
      ),
      sql` || `,
    );
    await sql`update search_documents set tsv = ${vector} where id = ${id}`.execute(db);
  },
  async forget() {},
  async clear() {},
  matches(query) {
    const tsquery = sql`to_tsquery('simple', ${queryText(query, 'postgres')})`;
    // Weights for D, C, B, A: properties and owners count least, the name most.
    return sql`(select id as doc_key, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', tsv, q) as relevance
      from search_documents, ${tsquery} as q where tsv @@ q)`;
  },
};

const sqlite: FullTextIndex = {
  documentKey: 'd.rowid',
  async write(db, id, words) {
    const rowid = sql`(select rowid from search_documents where id = ${id})`;
    await sql`delete from search_fts where rowid = ${rowid}`.execute(db);
    const columns = sql.raw(SEARCH_FIELDS.map((f) => f.field).join(', '));
    const values = sql.join(fieldTexts(words));
    await sql`insert into search_fts (rowid, ${columns}) values (${rowid}, ${values})`.execute(db);
  },
  async forget(db, ids) {
    await sql`delete from search_fts where rowid in
      (select rowid from search_documents where id in (${sql.join(ids)}))`.execute(db);
  },
  async clear(db) {
    await sql`delete from search_fts`.execute(db);
  },
  matches(query) {
    const weights = sql.raw(SEARCH_FIELDS.map((f) => f.weight).join(', '));
    return sql`(select rowid as doc_key, -bm25(search_fts, ${weights}) as relevance
      from search_fts where search_fts match ${queryText(query, 'sqlite')})`;
  },
};

export function fullTextIndex(dialect: MetastoreDialect): FullTextIndex {
  return dialect === 'postgres' ? postgres : sqlite;
}
