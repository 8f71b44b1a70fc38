import { NotFound } from '../../errors/index.js';
import type { Securable } from '../../governance/index.js';
import type { SearchDocumentInput, SearchRepository } from '../../metastore/index.js';
import type { CatalogChange, VolumeFileReader } from '../contract.js';
import type { GovernanceSources } from './governance-facts.js';
import { GovernanceFacts } from './governance-facts.js';
import type { DocumentSources } from './search-documents.js';
import { SearchDocuments } from './search-documents.js';
import type { SearchListing } from './search-listing.js';

export interface SearchIndexerDeps extends DocumentSources {
  repository: SearchRepository;
  governance: GovernanceSources;
  volumes?: VolumeFileReader;
  listing?: SearchListing;
}

/** search_state key: when the index was last rebuilt as a whole. */
const BUILT_AT = 'built_at';

/**
 * Keeps the search index in step with the catalog: each published change (re)indexes
 * what it names; rebuild() indexes everything again, and runs by itself the first time
 * search is used on a metastore whose index was never built (a home from before search).
 */
export class SearchIndexer {
  #built: Promise<void> | undefined;

  constructor(private readonly deps: SearchIndexerDeps) {}

  /** The listener of CatalogChanges. */
  async apply(change: CatalogChange): Promise<void> {
    const repo = this.deps.repository;
    const docs = await this.#documents();
    switch (change.kind) {
      case 'table':
        if (change.removed === true) return repo.remove('table', change.path);
        return this.#table(docs, change.path);
      case 'namespace':
        if (change.removed === true) return repo.removeBelow(change.path);
        return this.#namespaceTree(docs, change.path);
      case 'volume':
        if (change.removed === true) return repo.removeBelow(change.path);
        return this.#volume(docs, change.path);
      case 'glossary_term':
        if (change.removed === true) return repo.remove('glossary_term', [change.name]);
        return this.#term(docs, change.name);
      case 'volume_file':
        if (change.removed === true) {
          return repo.remove('volume_file', [...change.volume, change.fileId]);
        }
        return this.#file(docs, change.volume, change.fileId);
    }
  }

  /** Indexes everything again; returns how many documents the index holds. */
  async rebuild(): Promise<{ documents: number }> {
    const repo = this.deps.repository;
    const docs = await this.#documents();
    await repo.clear();
    for (const layer of await this.deps.catalog.listNamespaces()) {
      await this.#namespaceTree(docs, layer.path);
    }
    for (const name of (await this.deps.listing?.glossaryTerms?.()) ?? []) {
      await this.#term(docs, name);
    }
    await repo.setState(BUILT_AT, new Date().toISOString());
    return { documents: await repo.count() };
  }

  /** Rebuilds once when the index was never built; later calls wait for that one. */
  ensureBuilt(): Promise<void> {
    this.#built ??= (async () => {
      if ((await this.deps.repository.state(BUILT_AT)) === undefined) await this.rebuild();
    })().catch((err: unknown) => {
      this.#built = undefined;
      throw err;
    });
    return this.#built;
  }

  async #documents(): Promise<SearchDocuments> {
    return new SearchDocuments(this.deps, await GovernanceFacts.read(this.deps.governance));
  }

  /** A namespace with every namespace, table, volume and file below it. */
  async #namespaceTree(docs: SearchDocuments, path: string[]): Promise<void> {
    const described = await orMissing(this.deps.catalog.describeNamespace(path));
    if (described === undefined) return this.deps.repository.removeBelow(path);
    await this.#put(await docs.namespace(described));
    for (const t of await this.deps.catalog.listTables(path)) {
      await this.#table(docs, [...t.namespace, t.name]);
    }
    for (const volume of (await this.deps.listing?.volumes?.(path)) ?? []) {
      await this.#volume(docs, [...path, volume]);
    }
    for (const child of await this.deps.catalog.listNamespaces(path)) {
      await this.#namespaceTree(docs, child.path);
    }
  }

  async #table(docs: SearchDocuments, path: string[]): Promise<void> {
    const ident = { namespace: path.slice(0, -1), name: path.at(-1)! };
    const described = await orMissing(this.deps.catalog.describeTable(ident));
    if (described === undefined) return this.deps.repository.remove('table', path);
    await this.#put(await docs.table(described));
  }

  async #volume(docs: SearchDocuments, path: string[]): Promise<void> {
    const volume = this.deps.listing?.volume;
    const facts = volume === undefined ? undefined : await volume(path);
    if (volume !== undefined && facts === undefined) return this.deps.repository.removeBelow(path);
    await this.#put(await docs.volume(path, facts));
    for (const fileId of (await this.deps.listing?.volumeFiles?.(path)) ?? []) {
      await this.#file(docs, path, fileId);
    }
  }

  async #file(docs: SearchDocuments, volume: string[], fileId: string): Promise<void> {
    const file = await this.deps.volumes?.file(volume, fileId);
    if (file === undefined) return this.deps.repository.remove('volume_file', [...volume, fileId]);
    await this.#put(docs.volumeFile(volume, file));
  }

  async #term(docs: SearchDocuments, name: string): Promise<void> {
    const term = await docs.term(name);
    if (term === undefined) return this.deps.repository.remove('glossary_term', [name]);
    await this.#put(docs.glossaryTerm(term));
  }

  #put(doc: SearchDocumentInput): Promise<void> {
    return this.deps.repository.put(doc);
  }
}

/**
 * The change a tag or an owner of the securable makes to search: its own document and
 * those below (tags are inherited); a column's tag shows on its table. The catalog has
 * no document.
 */
export function governanceChange(securable: Securable): CatalogChange | undefined {
  switch (securable.kind) {
    case 'catalog':
      return undefined;
    case 'column':
      return { kind: 'table', path: securable.path.slice(0, -1) };
    default:
      return { kind: securable.kind, path: securable.path };
  }
}

/** Gone by the time it is indexed (dropped meanwhile): undefined, and its document goes. */
async function orMissing<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}
