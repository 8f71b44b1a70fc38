import type { ColumnType, Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type Count = ColumnType<number | string, number, number>;

/** One searchable thing (namespace, table, volume, glossary term, volume file). */
export interface SearchDocumentsTable {
  /** kind:identity, e.g. table:["gold","revenue","monthly"]. */
  id: string;
  kind: string;
  /** The path as securable-codec text (a term: its name as a one-level path). */
  path: string;
  full_name: string;
  name: string;
  layer: string | null;
  /** Dotted namespace the thing lives in (null for layers and terms). */
  namespace: string | null;
  format: string | null;
  certification: string | null;
  /** JSON arrays of text: owner names, key=value tags, columns ({name, description}). */
  owners: string;
  tags: string;
  columns: string;
  /** JSON object field -> text as shown, for snippets and the vocabulary. */
  fields: string;
  updated_at: Timestamp;
}

/** The words of the index with how many documents hold them: the typo expansion looks here. */
export interface SearchVocabularyTable {
  term: string;
  documents: Count;
}

/** How much a table is read (QueryService records it), for ranking. */
export interface SearchUsageTable {
  table_path: string;
  read_count: Count;
  last_read_at: Timestamp;
}

export interface SearchStateTable {
  key: string;
  value: string;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface SearchTables {
  search_documents: SearchDocumentsTable;
  search_vocabulary: SearchVocabularyTable;
  search_usage: SearchUsageTable;
  search_state: SearchStateTable;
}

/**
 * Field weights of the full-text index, shared by both backends' ranking: the name
 * counts most, then what names the thing in other words (full name, columns, terms),
 * then prose, then properties and owners.
 */
export const SEARCH_FIELDS = [
  { field: 'name', weight: 10, pgWeight: 'A' },
  { field: 'full_name', weight: 4, pgWeight: 'B' },
  { field: 'columns', weight: 3, pgWeight: 'B' },
  { field: 'terms', weight: 3, pgWeight: 'B' },
  { field: 'description', weight: 2, pgWeight: 'C' },
  { field: 'tags', weight: 2, pgWeight: 'C' },
  { field: 'properties', weight: 1, pgWeight: 'D' },
  { field: 'owners', weight: 1, pgWeight: 'D' },
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number]['field'];

/**
 * Part of migration 0003_catalog: the search documents with a full-text index (an FTS5
 * table beside them on SQLite, a tsvector column with a GIN index on PostgreSQL), the
 * vocabulary for typo tolerance, table usage and the index's own state.
 */
export async function searchTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('search_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('layer', 'text')
    .addColumn('namespace', 'text')
    .addColumn('format', 'text')
    .addColumn('certification', 'text')
    .addColumn('owners', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('columns', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('search_documents_path')
    .on('search_documents')
    .column('path')
    .execute();
  await db.schema
    .createTable('search_vocabulary')
    .addColumn('term', 'text', (c) => c.primaryKey())
    .addColumn('documents', count, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('search_usage')
    .addColumn('table_path', 'text', (c) => c.primaryKey())
    .addColumn('read_count', count, (c) => c.notNull())
    .addColumn('last_read_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('search_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table search_documents add column tsv tsvector`.execute(db);
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
  } else {
    const columns = SEARCH_FIELDS.map((f) => f.field).join(', ');
    // Text arrives already split into words by the indexer, so both backends see the same words.
    await sql
      .raw(`create virtual table search_fts using fts5(${columns}, tokenize = 'unicode61')`)
      .execute(db);
  }
}
