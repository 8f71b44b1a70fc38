import type { SearchDocumentInput, SearchField } from '../../metastore/index.js';
import type {
  BusinessMetadata,
  CatalogService,
  GlossaryReader,
  MetadataReader,
  NamespaceDescription,
  TableDescription,
  VolumeFileInfo,
} from '../contract.js';
import type { GovernanceFacts } from './governance-facts.js';
import type { VolumeFacts } from './search-listing.js';
import { wordsOf } from './words.js';

/** Where documents come from; the readers of issue 4 are optional until they are wired. */
export interface DocumentSources {
  catalog: Pick<
    CatalogService,
    'listNamespaces' | 'listTables' | 'describeNamespace' | 'describeTable'
  >;
  metadata?: MetadataReader;
  glossary?: GlossaryReader;
}

type Term = NonNullable<Awaited<ReturnType<GlossaryReader['term']>>>;

/** Extracted text kept per volume file: enough to find it by, not a copy of the file. */
const MAX_FILE_TEXT = 20_000;

const NO_METADATA: BusinessMetadata = {
  description: null,
  owner: null,
  certification: null,
  properties: {},
  columnDescriptions: {},
};

function propertiesText(properties: Record<string, string | number | null>): string {
  return Object.entries(properties)
    .map(([k, v]) => (v === null ? k : `${k}=${v}`))
    .join(', ');
}

/** The searchable fields: the text shown in snippets and the words indexed from it. */
function fieldsOf(
  text: Partial<Record<SearchField, string>>,
): Pick<SearchDocumentInput, 'text' | 'words'> {
  const words: SearchDocumentInput['words'] = {};
  for (const [field, value] of Object.entries(text) as [SearchField, string][]) {
    words[field] = wordsOf(value);
  }
  return { text, words };
}

/** A table's columns as its `columns` field reads (search shows it cut to a caller's columns). */
export function columnsText(columns: SearchDocumentInput['columns']): string {
  return columns.map((c) => (c.description ? `${c.name}: ${c.description}` : c.name)).join('; ');
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== undefined && v !== ''))];
}

/**
 * Builds the search document of each kind of thing from the catalog, its business
 * metadata, glossary links and governance facts. One builder per batch of facts.
 */
export class SearchDocuments {
  readonly #terms = new Map<string, Promise<Term | undefined>>();

  constructor(
    private readonly sources: DocumentSources,
    private readonly facts: GovernanceFacts,
  ) {}

  async namespace(ns: NamespaceDescription): Promise<SearchDocumentInput> {
    const meta = await this.#metadata('namespace', ns.path);
    const owners = unique([this.facts.ownerOf('namespace', ns.path) ?? ns.owner, meta.owner?.name]);
    const tags = this.facts.tagsOf('namespace', ns.path);
    const properties = { ...ns.properties, ...meta.properties };
    return {
      kind: 'namespace',
      path: ns.path,
      fullName: ns.path.join('.'),
      name: ns.path.at(-1)!,
      layer: ns.path[0]!,
      namespace: ns.path.length > 1 ? ns.path.slice(0, -1).join('.') : null,
      format: null,
      certification: meta.certification?.status ?? null,
      owners,
      tags,
      columns: [],
      ...fieldsOf({
        name: ns.path.at(-1)!,
        full_name: ns.path.join('.'),
        description: meta.description ?? ns.description ?? '',
        tags: tags.join(', '),
        properties: propertiesText(properties),
        owners: owners.join(', '),
      }),
      updatedAt: new Date(ns.updatedAt),
    };
  }

  async table(t: TableDescription): Promise<SearchDocumentInput> {
    const path = [...t.namespace, t.name];
    const meta = await this.#metadata('table', path);
    const owners = unique([this.facts.ownerOf('table', path) ?? t.owner, meta.owner?.name]);
    const tags = this.facts.tagsOf('table', path);
    const columns = t.columns.map((c) => ({
      name: c.name,
      description: meta.columnDescriptions[c.name] ?? c.doc,
    }));
    const links = this.sources.glossary ? await this.sources.glossary.linkedTo(path) : [];
    const terms = await this.#termsText(unique(links.map((l) => l.term)));
    const properties = { ...t.properties, ...meta.properties };
    return {
      kind: 'table',
      path,
      fullName: path.join('.'),
      name: t.name,
      layer: t.layer,
      namespace: t.namespace.join('.'),
      format: t.kind === 'iceberg' ? 'iceberg' : externalFormat(properties),
      certification: meta.certification?.status ?? null,
      owners,
      tags,
      columns,
      ...fieldsOf({
        name: t.name,
        full_name: path.join('.'),
        description: meta.description ?? t.description ?? '',
        columns: columnsText(columns),
        terms,
        tags: tags.join(', '),
        properties: propertiesText(properties),
        owners: owners.join(', '),
      }),
      updatedAt: new Date(t.updatedAt),
    };
  }

  async volume(path: string[], volume: VolumeFacts | undefined): Promise<SearchDocumentInput> {
    const meta = await this.#metadata('volume', path);
    const owners = unique([this.facts.ownerOf('volume', path) ?? volume?.owner, meta.owner?.name]);
    const tags = this.facts.tagsOf('volume', path);
    return {
      kind: 'volume',
      path,
      fullName: path.join('.'),
      name: path.at(-1)!,
      layer: path[0]!,
      namespace: path.slice(0, -1).join('.'),
      format: 'volume',
      certification: meta.certification?.status ?? null,
      owners,
      tags,
      columns: [],
      ...fieldsOf({
        name: path.at(-1)!,
        full_name: path.join('.'),
        description: meta.description ?? volume?.description ?? '',
        tags: tags.join(', '),
        properties: propertiesText(meta.properties),
        owners: owners.join(', '),
      }),
      updatedAt: volume?.updatedAt ?? new Date(),
    };
  }

  volumeFile(volume: string[], file: VolumeFileInfo): SearchDocumentInput {
    const fullName = `${volume.join('.')}/${file.path}`;
    return {
      kind: 'volume_file',
      path: [...volume, file.id],
      fullName,
      name: file.path.split('/').at(-1)!,
      layer: volume[0]!,
      namespace: volume.slice(0, -1).join('.'),
      format: 'volume',
      certification: null,
      owners: [file.uploadedBy],
      tags: this.facts.tagsOf('volume', volume),
      columns: [],
      ...fieldsOf({
        name: file.path,
        full_name: fullName,
        description: [file.contentType, (file.text ?? '').slice(0, MAX_FILE_TEXT)].join('\n'),
        properties: propertiesText(file.metadata),
        owners: file.uploadedBy,
      }),
      updatedAt: new Date(file.uploadedAt),
    };
  }

  glossaryTerm(term: Term): SearchDocumentInput {
    const owners = unique([term.owner]);
    return {
      kind: 'glossary_term',
      path: [term.name],
      fullName: term.name,
      name: term.name,
      layer: null,
      namespace: null,
      format: null,
      certification: null,
      owners,
      tags: [],
      columns: [],
      ...fieldsOf({
        name: term.name,
        description: term.definition,
        terms: [...term.synonyms, term.parent ?? ''].join(', '),
        owners: owners.join(', '),
      }),
      updatedAt: new Date(),
    };
  }

  term(name: string): Promise<Term | undefined> {
    const glossary = this.sources.glossary;
    if (glossary === undefined) return Promise.resolve(undefined);
    let found = this.#terms.get(name);
    if (found === undefined) {
      found = glossary.term(name);
      this.#terms.set(name, found);
    }
    return found;
  }

  /** Linked terms with their synonyms: a search for a synonym finds the table too. */
  async #termsText(names: string[]): Promise<string> {
    const parts: string[] = [];
    for (const name of names) {
      const term = await this.term(name);
      parts.push(term === undefined ? name : [name, ...term.synonyms].join(', '));
    }
    return parts.join('; ');
  }

  #metadata(kind: 'namespace' | 'table' | 'volume', path: string[]): Promise<BusinessMetadata> {
    return this.sources.metadata?.read(kind, path) ?? Promise.resolve(NO_METADATA);
  }
}

/** Crawled tables record their file format as a property (the brief's `file_format`). */
function externalFormat(properties: Record<string, string>): string {
  const given = properties.file_format ?? properties.classification ?? properties.format;
  return given === undefined ? 'external' : given.toLowerCase();
}
