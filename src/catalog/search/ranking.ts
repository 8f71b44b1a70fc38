import type {
  SearchCandidate,
  SearchDocumentText,
  SearchField,
  SearchWord,
} from '../../metastore/index.js';
import type { SearchHit } from './search-types.js';
import { highlight, wordsOf } from './words.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Reads within this window count as recent use. */
const RECENT_MS = 7 * DAY_MS;

/** Boosts on top of text relevance (which is scaled to 0..1 over the candidates). */
const BOOST = {
  exactName: 2,
  nameStartsWith: 0.5,
  certified: 0.3,
  deprecated: -0.4,
  /** Per doubling of the read count, up to usageMax. */
  usagePerDoubling: 0.05,
  usageMax: 0.3,
  recentlyRead: 0.1,
  /** Tables are what most searches are for: they win a tie with their namespace. */
  table: 0.2,
} as const;

/** Field names as users read them in "why". */
const FIELD_LABELS: Record<SearchField, string> = {
  name: 'name',
  full_name: 'full name',
  columns: 'columns',
  terms: 'glossary terms',
  description: 'description',
  tags: 'tags',
  properties: 'properties',
  owners: 'owners',
};

/** Snippets prefer prose to the name the result already shows. */
const SNIPPET_ORDER: SearchField[] = [
  'description',
  'columns',
  'terms',
  'tags',
  'properties',
  'owners',
  'name',
  'full_name',
];

function matcher(groups: SearchWord[][]): (word: string) => boolean {
  const all = groups.flat();
  return (word) =>
    word !== '' && all.some((w) => (w.prefix ? word.startsWith(w.word) : word === w.word));
}

export interface Ranked {
  candidate: SearchCandidate;
  score: number;
  /** Why it ranks where it does, beyond text relevance. */
  boosts: string[];
}

/**
 * Final order: text relevance, then what users expect of a catalog: the thing named
 * exactly what they typed first, certified over draft over deprecated, and tables that
 * are read often and lately. Cheap per candidate: explain() is for the page shown.
 */
export function rank(
  candidates: SearchCandidate[],
  query: { words: string[] },
  now: Date,
): Ranked[] {
  const top = Math.max(...candidates.map((c) => c.relevance), 0);
  const typed = query.words.join(' ');
  return candidates.map((c) => {
    const d = c.document;
    const boosts: string[] = [];
    let score = (top > 0 ? c.relevance / top : 0) + (d.kind === 'table' ? BOOST.table : 0);
    const name = wordsOf(d.name).join(' ');
    if (typed !== '' && (name === typed || wordsOf(d.fullName).join(' ') === typed)) {
      score += BOOST.exactName;
      boosts.push('exact name');
    } else if (typed !== '' && name.startsWith(typed)) {
      score += BOOST.nameStartsWith;
      boosts.push('name starts with the query');
    }
    if (d.certification === 'certified') {
      score += BOOST.certified;
      boosts.push('certified');
    } else if (d.certification === 'deprecated') {
      score += BOOST.deprecated;
      boosts.push('deprecated');
    }
    if (c.usage !== null) {
      const usage = Math.min(BOOST.usageMax, BOOST.usagePerDoubling * Math.log2(1 + c.usage.reads));
      score += usage;
      boosts.push(`read ${c.usage.reads} time${c.usage.reads === 1 ? '' : 's'}`);
      if (now.getTime() - c.usage.lastReadAt.getTime() < RECENT_MS) {
        score += BOOST.recentlyRead;
        boosts.push('read recently');
      }
    }
    return { candidate: c, score, boosts };
  });
}

/** A ranked result as the caller sees it: where the query matched, and why it is here. */
export function explain(
  ranked: Ranked,
  texts: SearchDocumentText | undefined,
  groups: SearchWord[][],
): SearchHit {
  const d = ranked.candidate.document;
  const { text, columns: allColumns } = texts ?? { text: {}, columns: [] };
  const matches = matcher(groups);
  const matched = (Object.entries(text) as [SearchField, string][])
    .map(([field, text]) => ({ field, words: [...new Set(wordsOf(text).filter(matches))] }))
    .filter((m) => m.words.length > 0);
  const why = [...ranked.boosts];
  if (matched.length > 0) {
    why.unshift(
      `matched ${matched.map((m) => `${FIELD_LABELS[m.field]} (${m.words.join(', ')})`).join(', ')}`,
    );
  }
  const columns = allColumns
    .filter((col) => [...wordsOf(col.name), ...wordsOf(col.description)].some(matches))
    .map((col) => col.name);
  return {
    kind: d.kind,
    fullName: d.fullName,
    name: d.name,
    path: d.path,
    layer: d.layer,
    namespace: d.namespace,
    format: d.format,
    certification: d.certification,
    owners: d.owners,
    tags: d.tags,
    updatedAt: d.updatedAt.toISOString(),
    score: Math.round(ranked.score * 1000) / 1000,
    snippet: snippetOf(text, matches),
    matchedColumns: columns,
    why,
  };
}

function snippetOf(
  text: Partial<Record<SearchField, string>>,
  matches: (word: string) => boolean,
): string | null {
  for (const field of SNIPPET_ORDER) {
    const value = text[field];
    if (value === undefined || value === '') continue;
    const cut = highlight(value, matches);
    if (cut !== undefined) return `${FIELD_LABELS[field]}: ${cut}`;
  }
  return null;
}
