import { InvalidInput, PermissionDenied } from '../../errors/index.js';
import type { Caller, Principal, Securable } from '../../governance/index.js';
import type {
  SearchCandidate,
  SearchDocumentText,
  SearchFilters,
  SearchRepository,
} from '../../metastore/index.js';
import type { AccessGate } from '../access-gate.js';
import { CERTIFICATIONS } from '../contract.js';
import { queryWords } from './query-words.js';
import { columnsText } from './search-documents.js';
import { explain, rank } from './ranking.js';
import type { SearchIndexer } from './search-indexer.js';
import type { Facet, SearchAnswer, SearchRequest } from './search-types.js';
import { FACETS, SEARCH_KINDS } from './search-types.js';

/** The best matches one search looks at; totals and facets are exact below this. */
const MAX_CANDIDATES = 2000;
/** DESCRIBE is decided for this many results at a time. */
const VISIBILITY_BATCH = 500;
const MAX_QUERY_LENGTH = 500;
const FACET_VALUES = 25;

export interface SearchServiceDeps {
  repository: SearchRepository;
  indexer: SearchIndexer;
  gate: AccessGate;
  now?: () => Date;
}

/**
 * Search as a caller runs it: over what the index holds, only what the caller may
 * DESCRIBE, with totals and facets counted after that filter so nothing hidden shows
 * through them. Each search is one audit event.
 */
export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  async search(caller: Caller, request: SearchRequest): Promise<SearchAnswer> {
    const { limit, offset, filters } = validate(request);
    return this.deps.gate.run(
      caller,
      'search',
      undefined,
      async () => {
        await this.deps.indexer.ensureBuilt();
        // An admin sees every document, so every indexed word is one it may be offered.
        const query = await queryWords(
          this.deps.repository,
          request.q,
          caller.principal.isAdmin ? undefined : (word) => this.#seenWord(caller.principal, word),
        );
        const match = { groups: query.groups, filters, limit: MAX_CANDIDATES + 1 };
        let found = await this.deps.repository.match({ ...match, mode: 'all' });
        let visible = await this.#visibleTo(caller.principal, found.slice(0, MAX_CANDIDATES));
        // Widened when nothing the caller may see has every word: hidden matches must not
        // change the answer.
        if (visible.length === 0 && query.groups.length > 1) {
          found = await this.deps.repository.match({ ...match, mode: 'any' });
          visible = await this.#visibleTo(caller.principal, found.slice(0, MAX_CANDIDATES));
        }
        const truncated = found.length > MAX_CANDIDATES;
        const now = this.deps.now?.() ?? new Date();
        const ranked = rank(visible, query, now).sort(
          (a, b) =>
            b.score - a.score ||
            compare(a.candidate.document.fullName, b.candidate.document.fullName),
        );
        const page = ranked.slice(offset, offset + limit);
        const texts = await this.#asSeen(
          caller.principal,
          page.map((r) => r.candidate),
          await this.deps.repository.texts(page.map((r) => r.candidate.document.id)),
        );
        return {
          query: request.q,
          total: ranked.length,
          truncated,
          corrections: query.corrections,
          results: page.map((r) => explain(r, texts.get(r.candidate.document.id), query.groups)),
          facets: facetsOf(visible),
        };
      },
      (answer) => ({
        queryText: request.q,
        rowsReturned: answer.results.length,
        reason: `${answer.total} result${answer.total === 1 ? '' : 's'}`,
      }),
    );
  }

  /** Rebuilds the whole index; admins only. */
  reindex(caller: Caller): Promise<{ documents: number }> {
    return this.deps.gate.run(caller, 'search.reindex', undefined, async (check) => {
      if (!caller.principal.isAdmin) {
        throw check.refuse(
          new PermissionDenied(
            'SEARCH_REINDEX_NOT_ALLOWED',
            'Only an admin may rebuild the search index.',
            {
              hint: 'Ask an admin to run `lakeward search --reindex`.',
            },
          ),
        );
      }
      return this.deps.indexer.rebuild();
    });
  }

  /**
   * The texts of the tables shown without the columns the caller may not read (a data
   * filter's column list), as describe shows them: no snippet or matched column names one.
   */
  async #asSeen(
    principal: Principal,
    shown: SearchCandidate[],
    texts: Map<string, SearchDocumentText>,
  ): Promise<Map<string, SearchDocumentText>> {
    for (const { document } of shown) {
      const text = texts.get(document.id);
      if (document.kind !== 'table' || text === undefined) continue;
      const shapes = text.columns.map((c) => ({ name: c.name, type: 'string' }));
      const policy = await this.deps.gate.authorizer.readPolicy(principal, document.path, shapes);
      if (!policy.allowed || policy.columns === undefined) continue;
      const visible = new Set(policy.columns);
      const columns = text.columns.filter((c) => visible.has(c.name));
      texts.set(document.id, { columns, text: { ...text.text, columns: columnsText(columns) } });
    }
    return texts;
  }

  /** Does a document the caller may see hold the word (for typo corrections)? */
  async #seenWord(principal: Principal, word: string): Promise<boolean> {
    // One batch is enough to decide: a word only found past it is not offered (fail closed).
    const found = await this.deps.repository.match({
      groups: [[{ word, prefix: false }]],
      filters: {},
      limit: VISIBILITY_BATCH,
      mode: 'all',
    });
    return (await this.#visibleTo(principal, found)).length > 0;
  }

  async #visibleTo(principal: Principal, found: SearchCandidate[]): Promise<SearchCandidate[]> {
    const out: SearchCandidate[] = [];
    const readable = new Map<string, Promise<boolean>>();
    for (let i = 0; i < found.length; i += VISIBILITY_BATCH) {
      const batch = found.slice(i, i + VISIBILITY_BATCH);
      const guarded = batch.filter((c) => securableOf(c) !== undefined);
      const allowed = await this.deps.gate.authorizer.visible(
        principal,
        guarded.map((c) => securableOf(c)!),
      );
      const shown = new Set(guarded.filter((_, j) => allowed[j] === true));
      for (const c of batch) {
        if (securableOf(c) !== undefined && !shown.has(c)) continue;
        if (c.document.kind === 'volume_file' && !(await this.#mayRead(principal, c, readable))) {
          continue;
        }
        out.push(c);
      }
    }
    return out;
  }

  /**
   * A file's name, metadata and text are its content: READ_VOLUME, as listing and
   * downloading need, not only DESCRIBE on the volume. Decided once per volume.
   */
  #mayRead(
    principal: Principal,
    file: SearchCandidate,
    decided: Map<string, Promise<boolean>>,
  ): Promise<boolean> {
    const securable = securableOf(file)!;
    const key = securable.path.join('\u0000');
    let decision = decided.get(key);
    if (decision === undefined) {
      decision = this.deps.gate.authorizer
        .decide(principal, 'READ_VOLUME', securable)
        .then((d) => d.allowed);
      decided.set(key, decision);
    }
    return decision;
  }
}

/** What DESCRIBE is checked on; glossary terms are the organisation's shared vocabulary. */
function securableOf(c: SearchCandidate): Securable | undefined {
  const { kind, path } = c.document;
  switch (kind) {
    case 'namespace':
    case 'table':
    case 'volume':
      return { kind, path };
    case 'volume_file':
      return { kind: 'volume', path: path.slice(0, -1) };
    case 'glossary_term':
      return undefined;
  }
}

function facetsOf(found: SearchCandidate[]): SearchAnswer['facets'] {
  const values: Record<Facet, (d: SearchCandidate['document']) => (string | null)[]> = {
    kind: (d) => [d.kind],
    layer: (d) => [d.layer],
    namespace: (d) => [d.namespace],
    tag: (d) => d.tags,
    owner: (d) => d.owners,
    format: (d) => [d.format],
    certification: (d) => [d.certification],
  };
  const out = {} as SearchAnswer['facets'];
  for (const facet of FACETS) {
    const counts = new Map<string, number>();
    for (const { document } of found) {
      for (const v of new Set(values[facet](document))) {
        if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
    out[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || compare(a.value, b.value))
      .slice(0, FACET_VALUES);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function invalid(what: string, hint: string): InvalidInput {
  return new InvalidInput('INVALID_SEARCH', what, { hint });
}

function validate(request: SearchRequest): {
  limit: number;
  offset: number;
  filters: SearchFilters;
} {
  if (request.q.length > MAX_QUERY_LENGTH) {
    throw invalid(
      `The search text has ${request.q.length} characters; at most ${MAX_QUERY_LENGTH} are allowed.`,
      'Search with a few words, e.g. "customer revenue".',
    );
  }
  const limit = request.limit ?? 20;
  const offset = request.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalid(`limit ${limit} is not between 1 and 100.`, 'Ask for 1 to 100 results a page.');
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalid(
      `offset ${offset} is not a whole number ≥ 0.`,
      'Use offset=0 for the first page.',
    );
  }
  if (request.tag !== undefined && !/^[^=]+=[^=]+$/u.test(request.tag)) {
    throw invalid(`The tag filter "${request.tag}" is not key=value.`, 'e.g. tag=sensitivity=pii');
  }
  if (request.kind !== undefined && !(SEARCH_KINDS as readonly string[]).includes(request.kind)) {
    throw invalid(
      `"${request.kind}" is not a kind of result.`,
      `Use one of ${SEARCH_KINDS.join(', ')}.`,
    );
  }
  const certification = request.certification;
  if (
    certification !== undefined &&
    !(CERTIFICATIONS as readonly string[]).includes(certification)
  ) {
    throw invalid(
      `"${certification}" is not a certification status.`,
      `Use one of ${CERTIFICATIONS.join(', ')}.`,
    );
  }
  const filters: SearchFilters = {
    ...(request.kind === undefined ? {} : { kinds: [request.kind] }),
    ...pick(request, ['layer', 'namespace', 'tag', 'owner', 'format', 'certification']),
  };
  return { limit, offset, filters };
}

function pick<K extends keyof SearchRequest>(
  request: SearchRequest,
  keys: K[],
): Partial<Pick<SearchRequest, K>> {
  const out: Partial<Pick<SearchRequest, K>> = {};
  for (const key of keys)
    if (request[key] !== undefined && request[key] !== '') out[key] = request[key];
  return out;
}
