import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;

export interface GlossaryTermsTable {
  id: string;
  name: string;
  /** The name in lower case: names are unique whatever their case. */
  name_key: string;
  definition: string;
  /** JSON array of strings. */
  synonyms: string;
  owner_kind: string | null;
  owner_name: string | null;
  parent_id: string | null;
  status: string;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
}

/** Related terms, one row per pair (term_a < term_b by id), so the relation is symmetric. */
export interface GlossaryRelatedTable {
  term_a: string;
  term_b: string;
}

export interface GlossaryLinksTable {
  term_id: string;
  /** JSON text of the table's path (see securable-codec.ts), so links follow renames and drops. */
  table_path: string;
  /** '' for the table itself. */
  column_name: string;
  /** The column's Iceberg field id, so a link follows the column's renames; null for external tables. */
  column_field_id: number | null;
  kind: string;
  linked_by: string;
  linked_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface GlossaryTables {
  glossary_terms: GlossaryTermsTable;
  glossary_related: GlossaryRelatedTable;
  glossary_links: GlossaryLinksTable;
}

/** Part of migration 0003_catalog: the business glossary: terms, synonyms, hierarchy, related terms, links to tables and columns. */
export async function glossaryTables(db: Kysely<unknown>, { time }: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('glossary_terms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('synonyms', 'text', (c) => c.notNull())
    .addColumn('owner_kind', 'text')
    .addColumn('owner_name', 'text')
    // No cascade: a term with children is deleted only when asked to (they are detached first).
    .addColumn('parent_id', 'text', (c) => c.references('glossary_terms.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('glossary_terms_parent')
    .on('glossary_terms')
    .column('parent_id')
    .execute();
  await db.schema
    .createTable('glossary_related')
    .addColumn('term_a', 'text', (c) =>
      c.notNull().references('glossary_terms.id').onDelete('cascade'),
    )
    .addColumn('term_b', 'text', (c) =>
      c.notNull().references('glossary_terms.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('glossary_related_pk', ['term_a', 'term_b'])
    .execute();
  await db.schema
    .createIndex('glossary_related_b')
    .on('glossary_related')
    .column('term_b')
    .execute();
  await db.schema
    .createTable('glossary_links')
    .addColumn('term_id', 'text', (c) =>
      c.notNull().references('glossary_terms.id').onDelete('cascade'),
    )
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('column_field_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('linked_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('glossary_links_pk', ['term_id', 'table_path', 'column_name'])
    .execute();
  await db.schema
    .createIndex('glossary_links_table')
    .on('glossary_links')
    .column('table_path')
    .execute();
}
