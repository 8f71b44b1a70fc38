import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { nowIso, toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Executor } from './executor.js';
import type { GlossaryLinksTable, GlossaryTermsTable } from './glossary-migration.js';
import type { GranteeRecord } from './governance-repositories.js';
import { byText, nonEmptyPathText, parsePath, toGrantee, toStrings } from './securable-codec.js';

export interface GlossaryTermRecord {
  id: string;
  name: string;
  /** Markdown. */
  definition: string;
  synonyms: string[];
  owner: GranteeRecord | null;
  parentId: string | null;
  status: string;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export interface GlossaryLinkRecord {
  termId: string;
  tablePath: string[];
  /** The column's name when it was linked; null for the table itself. */
  column: string | null;
  columnFieldId: number | null;
  kind: string;
  linkedBy: string;
  linkedAt: Date;
}

export interface NewGlossaryTerm {
  name: string;
  definition: string;
  synonyms: string[];
  owner: GranteeRecord | null;
  parentId: string | null;
  status: string;
  by: string;
}

export type GlossaryTermPatch = Partial<Omit<NewGlossaryTerm, 'by'>> & { by: string };

/** The business glossary: terms, synonyms, hierarchy, related terms, links to tables and columns. */
export interface GlossaryRepository {
  /** AlreadyExists GLOSSARY_TERM_EXISTS when the name is taken in any case. */
  createTerm(term: NewGlossaryTerm): Promise<GlossaryTermRecord>;
  /** By name, whatever its case. */
  getTerm(name: string): Promise<GlossaryTermRecord | undefined>;
  getTermById(id: string): Promise<GlossaryTermRecord | undefined>;
  /** Every term, by name. */
  listTerms(): Promise<GlossaryTermRecord[]>;
  updateTerm(id: string, patch: GlossaryTermPatch): Promise<GlossaryTermRecord>;
  /** Removes the term, its related pairs and links; its children lose their parent. */
  deleteTerm(id: string): Promise<void>;
  children(id: string): Promise<GlossaryTermRecord[]>;
  /** Ids of the terms related to this one, either way round. */
  relatedIds(id: string): Promise<string[]>;
  /** Replaces the term's related terms. */
  setRelated(id: string, relatedIds: string[]): Promise<void>;
  /** AlreadyExists GLOSSARY_LINK_EXISTS when the term is already linked there. */
  link(link: Omit<GlossaryLinkRecord, 'linkedAt'>): Promise<GlossaryLinkRecord>;
  /** column null: the link to the table itself. False when there was none. */
  unlink(termId: string, tablePath: string[], column: string | null): Promise<boolean>;
  /** Removes the table's links of one kind (e.g. the business_metric link), returns them. */
  unlinkKind(tablePath: string[], kind: string): Promise<GlossaryLinkRecord[]>;
  linksOfTerm(termId: string): Promise<GlossaryLinkRecord[]>;
  linksOfTable(tablePath: string[]): Promise<GlossaryLinkRecord[]>;
}

function toTerm(row: Selectable<GlossaryTermsTable>): GlossaryTermRecord {
  return {
    id: row.id,
    name: row.name,
    definition: row.definition,
    synonyms: toStrings(row.synonyms),
    owner:
      row.owner_kind === null || row.owner_name === null
        ? null
        : toGrantee(row.owner_kind, row.owner_name),
    parentId: row.parent_id,
    status: row.status,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toDate(row.updated_at),
  };
}

function toLink(row: Selectable<GlossaryLinksTable>): GlossaryLinkRecord {
  return {
    termId: row.term_id,
    tablePath: parsePath(row.table_path),
    column: row.column_name === '' ? null : row.column_name,
    columnFieldId: row.column_field_id === null ? null : Number(row.column_field_id),
    kind: row.kind,
    linkedBy: row.linked_by,
    linkedAt: toDate(row.linked_at),
  };
}

function termExists(name: string): AlreadyExists {
  return new AlreadyExists('GLOSSARY_TERM_EXISTS', `A glossary term named "${name}" exists.`, {
    hint: 'Term names are unique whatever their case: choose another name or update that term.',
  });
}

function termNotFound(id: string): NotFound {
  return new NotFound('GLOSSARY_TERM_NOT_FOUND', `No glossary term has the id ${id}.`, {
    hint: 'List the terms with lakeward glossary list.',
  });
}

const byLinkTarget = byText<GlossaryLinkRecord>(
  (l) => `${JSON.stringify(l.tablePath)}\u0000${l.column ?? ''}`,
);

export function glossaryRepository(executor: Executor): GlossaryRepository {
  const { db } = executor;

  const getTermById = async (id: string) => {
    const row = await db
      .selectFrom('glossary_terms')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toTerm(row);
  };

  return {
    async createTerm(t) {
      const now = nowIso();
      const row = {
        id: randomUUID(),
        name: t.name,
        name_key: t.name.toLowerCase(),
        definition: t.definition,
        synonyms: JSON.stringify(t.synonyms),
        owner_kind: t.owner?.kind ?? null,
        owner_name: t.owner?.name ?? null,
        parent_id: t.parentId,
        status: t.status,
        created_by: t.by,
        created_at: now,
        updated_by: t.by,
        updated_at: now,
      };
      await translateConstraints(() => db.insertInto('glossary_terms').values(row).execute(), {
        unique: () => termExists(t.name),
        foreignKey: () => termNotFound(t.parentId ?? ''),
      });
      return toTerm(row);
    },

    async getTerm(name) {
      const row = await db
        .selectFrom('glossary_terms')
        .selectAll()
        .where('name_key', '=', name.toLowerCase())
        .executeTakeFirst();
      return row && toTerm(row);
    },

    getTermById,

    async listTerms() {
      const rows = await db.selectFrom('glossary_terms').selectAll().execute();
      return rows.sort(byText((r) => r.name_key)).map(toTerm);
    },

    async updateTerm(id, patch) {
      const set = {
        ...(patch.name !== undefined && { name: patch.name, name_key: patch.name.toLowerCase() }),
        ...(patch.definition !== undefined && { definition: patch.definition }),
        ...(patch.synonyms !== undefined && { synonyms: JSON.stringify(patch.synonyms) }),
        ...(patch.owner !== undefined && {
          owner_kind: patch.owner?.kind ?? null,
          owner_name: patch.owner?.name ?? null,
        }),
        ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
        ...(patch.status !== undefined && { status: patch.status }),
        updated_by: patch.by,
        updated_at: nowIso(),
      };
      const row = await translateConstraints(
        () =>
          db
            .updateTable('glossary_terms')
            .set(set)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst(),
        {
          unique: () => termExists(patch.name ?? ''),
          foreignKey: () => termNotFound(patch.parentId ?? ''),
        },
      );
      if (!row) throw termNotFound(id);
      return toTerm(row);
    },

    async deleteTerm(id) {
      await executor.atomic(async (tx) => {
        await tx
          .updateTable('glossary_terms')
          .set({ parent_id: null })
          .where('parent_id', '=', id)
          .execute();
        await tx
          .deleteFrom('glossary_related')
          .where((eb) => eb.or([eb('term_a', '=', id), eb('term_b', '=', id)]))
          .execute();
        await tx.deleteFrom('glossary_links').where('term_id', '=', id).execute();
        const result = await tx
          .deleteFrom('glossary_terms')
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw termNotFound(id);
      });
    },

    async children(id) {
      const rows = await db
        .selectFrom('glossary_terms')
        .selectAll()
        .where('parent_id', '=', id)
        .execute();
      return rows.sort(byText((r) => r.name_key)).map(toTerm);
    },

    async relatedIds(id) {
      const rows = await db
        .selectFrom('glossary_related')
        .selectAll()
        .where((eb) => eb.or([eb('term_a', '=', id), eb('term_b', '=', id)]))
        .execute();
      return rows.map((r) => (r.term_a === id ? r.term_b : r.term_a));
    },

    async setRelated(id, relatedIds) {
      await executor.atomic(async (tx) => {
        await tx
          .deleteFrom('glossary_related')
          .where((eb) => eb.or([eb('term_a', '=', id), eb('term_b', '=', id)]))
          .execute();
        const pairs = [...new Set(relatedIds)]
          .filter((other) => other !== id)
          .map((other) =>
            id < other ? { term_a: id, term_b: other } : { term_a: other, term_b: id },
          );
        if (pairs.length === 0) return;
        await translateConstraints(
          () => tx.insertInto('glossary_related').values(pairs).execute(),
          {
            foreignKey: () => termNotFound(relatedIds.join(', ')),
          },
        );
      });
    },

    async link(l) {
      const row = {
        term_id: l.termId,
        table_path: nonEmptyPathText(l.tablePath),
        column_name: l.column ?? '',
        column_field_id: l.columnFieldId,
        kind: l.kind,
        linked_by: l.linkedBy,
        linked_at: nowIso(),
      };
      await translateConstraints(() => db.insertInto('glossary_links').values(row).execute(), {
        unique: () =>
          new AlreadyExists(
            'GLOSSARY_LINK_EXISTS',
            `The term is already linked to ${[...l.tablePath, ...(l.column === null ? [] : [l.column])].join('.')}.`,
            { hint: 'Nothing to do; lakeward glossary show TERM lists its links.' },
          ),
        foreignKey: () => termNotFound(l.termId),
      });
      return toLink(row);
    },

    async unlink(termId, tablePath, column) {
      const result = await db
        .deleteFrom('glossary_links')
        .where('term_id', '=', termId)
        .where('table_path', '=', nonEmptyPathText(tablePath))
        .where('column_name', '=', column ?? '')
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async unlinkKind(tablePath, kind) {
      return executor.atomic(async (tx) => {
        const where = { path: nonEmptyPathText(tablePath), kind };
        const rows = await tx
          .selectFrom('glossary_links')
          .selectAll()
          .where('table_path', '=', where.path)
          .where('kind', '=', where.kind)
          .execute();
        await tx
          .deleteFrom('glossary_links')
          .where('table_path', '=', where.path)
          .where('kind', '=', where.kind)
          .execute();
        return rows.map(toLink);
      });
    },

    async linksOfTerm(termId) {
      const rows = await db
        .selectFrom('glossary_links')
        .selectAll()
        .where('term_id', '=', termId)
        .execute();
      return rows.map(toLink).sort(byLinkTarget);
    },

    async linksOfTable(tablePath) {
      const rows = await db
        .selectFrom('glossary_links')
        .selectAll()
        .where('table_path', '=', nonEmptyPathText(tablePath))
        .execute();
      return rows.map(toLink).sort(byLinkTarget);
    },
  };
}
