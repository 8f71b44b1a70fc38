import type { GlossaryLinkRecord, GlossaryTermRecord, Metastore } from '../../metastore/index.js';
import { formatTableName } from '../names.js';
import type { GlossaryLink, GlossaryTerm, LinkKind, TermStatus } from './glossary-types.js';
import { identOf } from './linked-columns.js';

/** Terms as users see them: names instead of ids for parent, children and related terms. */
export async function termViews(
  store: Pick<Metastore, 'glossary'>,
  records: GlossaryTermRecord[],
): Promise<GlossaryTerm[]> {
  const names = new Map<string, string>();
  const all = await store.glossary.listTerms();
  for (const t of all) names.set(t.id, t.name);
  return Promise.all(
    records.map(async (record) => {
      const related = await store.glossary.relatedIds(record.id);
      return {
        name: record.name,
        definition: record.definition,
        synonyms: record.synonyms,
        owner: record.owner,
        parent: record.parentId === null ? null : (names.get(record.parentId) ?? null),
        children: all.filter((t) => t.parentId === record.id).map((t) => t.name),
        related: related
          .map((id) => names.get(id))
          .filter((n): n is string => n !== undefined)
          .sort(),
        status: record.status as TermStatus,
        createdBy: record.createdBy,
        createdAt: record.createdAt.toISOString(),
        updatedBy: record.updatedBy,
        updatedAt: record.updatedAt.toISOString(),
      };
    }),
  );
}

export function linkView(
  term: string,
  link: GlossaryLinkRecord,
  column: string | null,
): GlossaryLink {
  return {
    term,
    table: formatTableName(identOf(link.tablePath)),
    column,
    kind: link.kind as LinkKind,
    linkedBy: link.linkedBy,
    linkedAt: link.linkedAt.toISOString(),
  };
}
