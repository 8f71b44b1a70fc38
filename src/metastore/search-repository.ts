import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { toDate } from './codec.js';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import type { FullTextQuery } from './search-full-text.js';
import { fullTextIndex } from './search-full-text.js';
import { addWords, removeWords, vocabularyReader } from './search-vocabulary.js';
import type { SearchDocumentsTable, SearchField } from './search-migration.js';
import { parsePath, pathText } from './securable-codec.js';

export type { SearchField } from './search-migration.js';
export type { SearchWord } from './search-full-text.js';

export type SearchKind = 'namespace' | 'table' | 'volume' | 'glossary_term' | 'volume_file';

/** What the indexer writes for one searchable thing. */
export interface SearchDocumentInput {
  kind: SearchKind;
  /** Securable path; a term's name as a one-level path; a file: its volume's path + file id. */
  path: string[];
  fullName: string;
  name: string;
  layer: string | null;
  namespace: string | null;
  format: string | null;
  certification: string | null;
  owners: string[];
  /** key=value. */
  tags: string[];
  columns: { name: string; description: string | null }[];
  /** The text of each field as a user would read it (snippets are cut from it). */
  text: Partial<Record<SearchField, string>>;
  /** The words of each field, lowercase, as the query side splits them too. */
  words: Partial<Record<SearchField, string[]>>;
  updatedAt: Date;
}

/** What ranking, permission checks and facets need of a match; the texts come apart. */
export type SearchDocumentRecord = Omit<SearchDocumentInput, 'words' | 'text' | 'columns'> & {
  id: string;
};

/** The texts of a document, for the snippets of the results shown. */
export type SearchDocumentText = Pick<SearchDocumentInput, 'text' | 'columns'>;

export interface SearchFilters {
  kinds?: SearchKind[];
  layer?: string;
  /** Dotted; matches the namespace and everything below it. */
  namespace?: string;
  /** key=value */
  tag?: string;
  owner?: string;
  format?: string;
  certification?: string;
}

/** No groups: every document the filters admit, by name. */
export interface SearchMatch extends FullTextQuery {
  filters: SearchFilters;
  limit: number;
}

export interface SearchCandidate {
  document: SearchDocumentRecord;
  /** The backend's text relevance, higher is better (0 when browsing). */
  relevance: number;
  usage: { reads: number; lastReadAt: Date } | null;
}

/** The search index (SQLite FTS5 / PostgreSQL full-text), its vocabulary and table usage. */
export interface SearchRepository {
  /** Adds or replaces the document of the same kind and path. */
  put(document: SearchDocumentInput): Promise<void>;
  remove(kind: SearchKind, path: string[]): Promise<void>;
  /** Removes the namespaces, tables, volumes and files on or below the path. */
  removeBelow(path: string[]): Promise<void>;
  clear(): Promise<void>;
  count(): Promise<number>;
  match(query: SearchMatch): Promise<SearchCandidate[]>;
  /** The texts of the documents with these ids. */
  texts(ids: string[]): Promise<Map<string, SearchDocumentText>>;
  /** Which of the words the index holds. */
  knownWords(words: string[]): Promise<Set<string>>;
  /** Does any indexed word start with the prefix. */
  hasPrefix(prefix: string): Promise<boolean>;
  /** Indexed words whose length lies in the range (candidates for a typo's correction). */
  wordsOfLength(min: number, max: number): Promise<string[]>;
  /** One read of each table at the time given. */
  recordReads(tables: string[][], at: Date): Promise<void>;
  state(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
}

interface StoredFields {
  text: Partial<Record<SearchField, string>>;
  words: string[];
}

const MOVABLE_KINDS = ['namespace', 'table', 'volume', 'volume_file'] as const;

function documentId(kind: SearchKind, path: string[]): string {
  return `${kind}:${pathText(path)}`;
}

function uniqueWords(words: SearchDocumentInput['words']): string[] {
  return [...new Set(Object.values(words).flat())];
}

type SummaryRow = Omit<Selectable<SearchDocumentsTable>, 'fields' | 'columns'>;

function toRecord(row: SummaryRow): SearchDocumentRecord {
  return {
    id: row.id,
    kind: row.kind as SearchKind,
    path: parsePath(row.path),
    fullName: row.full_name,
    name: row.name,
    layer: row.layer,
    namespace: row.namespace,
    format: row.format,
    certification: row.certification,
    owners: JSON.parse(row.owners) as string[],
    tags: JSON.parse(row.tags) as string[],
    updatedAt: toDate(row.updated_at),
  };
}

/** On or below a path: its text, or its text minus the closing bracket plus a comma. */
function onOrBelow(column: string, path: string[]) {
  const exact = pathText(path);
  const below = exact.slice(0, -1) + ',';
  return sql<boolean>`(${sql.ref(column)} = ${exact} or substr(${sql.ref(column)}, 1, ${[...below].length}) = ${below})`;
}

export function searchRepository(executor: Executor): SearchRepository {
  const { dialect } = executor;
  const fullText = fullTextIndex(dialect);
  const contains = (column: string, needle: string) =>
    dialect === 'postgres'
      ? sql<boolean>`strpos(${sql.ref(column)}, ${needle}) > 0`
      : sql<boolean>`instr(${sql.ref(column)}, ${needle}) > 0`;

  /** Deletes documents with their index entries and vocabulary counts. */
  async function removeWhere(
    db: Kysely<Database>,
    rows: { id: string; fields: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    const counts = new Map<string, number>();
    for (const row of rows) {
      for (const w of (JSON.parse(row.fields) as StoredFields).words) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    for (const chunk of chunks(ids, 500)) {
      await fullText.forget(db, chunk);
      await db.deleteFrom('search_documents').where('id', 'in', chunk).execute();
    }
    await removeWords(db, counts);
  }

  return {
    ...vocabularyReader(executor),

    async put(doc) {
      const id = documentId(doc.kind, doc.path);
      const words = uniqueWords(doc.words);
      const row = {
        id,
        kind: doc.kind,
        path: pathText(doc.path),
        full_name: doc.fullName,
        name: doc.name,
        layer: doc.layer,
        namespace: doc.namespace,
        format: doc.format,
        certification: doc.certification,
        owners: JSON.stringify(doc.owners),
        tags: JSON.stringify(doc.tags),
        columns: JSON.stringify(doc.columns),
        fields: JSON.stringify({ text: doc.text, words } satisfies StoredFields),
        updated_at: doc.updatedAt.toISOString(),
      };
      await executor.atomic(async (db) => {
        const old = await db
          .selectFrom('search_documents')
          .select('fields')
          .where('id', '=', id)
          .executeTakeFirst();
        const oldWords = new Set(old ? (JSON.parse(old.fields) as StoredFields).words : []);
        const { id: _id, ...changes } = row;
        await db
          .insertInto('search_documents')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(changes))
          .execute();
        await fullText.write(db, id, doc.words);
        const fresh = new Set(words);
        await addWords(
          db,
          words.filter((w) => !oldWords.has(w)),
        );
        const stale = [...oldWords].filter((w) => !fresh.has(w));
        await removeWords(db, new Map(stale.map((w) => [w, 1])));
      });
    },

    async remove(kind, path) {
      await executor.atomic(async (db) => {
        const rows = await db
          .selectFrom('search_documents')
          .select(['id', 'fields'])
          .where('id', '=', documentId(kind, path))
          .execute();
        await removeWhere(db, rows);
      });
    },

    async removeBelow(path) {
      await executor.atomic(async (db) => {
        const rows = await db
          .selectFrom('search_documents')
          .select(['id', 'fields'])
          .where('kind', 'in', [...MOVABLE_KINDS])
          .where(onOrBelow('path', path))
          .execute();
        await removeWhere(db, rows);
      });
    },

    async clear() {
      await executor.atomic(async (db) => {
        await fullText.clear(db);
        await db.deleteFrom('search_documents').execute();
        await db.deleteFrom('search_vocabulary').execute();
      });
    },

    async count() {
      const row = await executor.db
        .selectFrom('search_documents')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async match(query) {
      let q = executor.db
        .selectFrom('search_documents as d')
        .leftJoin('search_usage as u', 'u.table_path', 'd.path')
        .select([
          'd.id',
          'd.kind',
          'd.path',
          'd.full_name',
          'd.name',
          'd.layer',
          'd.namespace',
          'd.format',
          'd.certification',
          'd.owners',
          'd.tags',
          'd.updated_at',
          'u.read_count',
          'u.last_read_at',
        ]);
      const f = query.filters;
      if (f.kinds !== undefined && f.kinds.length > 0) q = q.where('d.kind', 'in', f.kinds);
      if (f.layer !== undefined) q = q.where('d.layer', '=', f.layer);
      if (f.format !== undefined) q = q.where('d.format', '=', f.format);
      if (f.certification !== undefined) q = q.where('d.certification', '=', f.certification);
      if (f.namespace !== undefined) {
        const below = `${f.namespace}.`;
        q = q.where(
          sql<boolean>`(d.namespace = ${f.namespace} or substr(d.namespace, 1, ${[...below].length}) = ${below})`,
        );
      }
      if (f.tag !== undefined) q = q.where(contains('d.tags', JSON.stringify(f.tag)));
      if (f.owner !== undefined) q = q.where(contains('d.owners', JSON.stringify(f.owner)));

      let relevance = sql<number>`0`;
      if (query.groups.length > 0) {
        q = q.innerJoin(fullText.matches(query).as('m'), (j) =>
          j.on(sql<boolean>`m.doc_key = ${sql.raw(fullText.documentKey)}`),
        );
        relevance = sql<number>`m.relevance`;
      }
      const rows = await q
        .select(relevance.as('relevance'))
        .orderBy('relevance', 'desc')
        .orderBy('d.full_name')
        .limit(query.limit)
        .execute();
      return rows.map((row) => ({
        document: toRecord(row),
        relevance: Number(row.relevance),
        usage:
          row.read_count === null || row.last_read_at === null
            ? null
            : { reads: Number(row.read_count), lastReadAt: toDate(row.last_read_at) },
      }));
    },

    async texts(ids) {
      const out = new Map<string, SearchDocumentText>();
      if (ids.length === 0) return out;
      const rows = await executor.db
        .selectFrom('search_documents')
        .select(['id', 'fields', 'columns'])
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) {
        out.set(row.id, {
          text: (JSON.parse(row.fields) as StoredFields).text,
          columns: JSON.parse(row.columns) as SearchDocumentText['columns'],
        });
      }
      return out;
    },

    async recordReads(tables, at) {
      const paths = [...new Set(tables.map((t) => pathText(t)))];
      if (paths.length === 0) return;
      await executor.db
        .insertInto('search_usage')
        .values(
          paths.map((p) => ({ table_path: p, read_count: 1, last_read_at: at.toISOString() })),
        )
        .onConflict((oc) =>
          oc.column('table_path').doUpdateSet({
            read_count: sql`search_usage.read_count + 1`,
            last_read_at: (eb) => eb.ref('excluded.last_read_at'),
          }),
        )
        .execute();
    },

    async state(key) {
      const row = await executor.db
        .selectFrom('search_state')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value;
    },

    async setState(key, value) {
      await executor.db
        .insertInto('search_state')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
