import type { SearchKind } from '../../metastore/index.js';

export const SEARCH_KINDS = [
  'namespace',
  'table',
  'volume',
  'glossary_term',
  'volume_file',
] as const satisfies readonly SearchKind[];

export const FACETS = [
  'kind',
  'layer',
  'namespace',
  'tag',
  'owner',
  'format',
  'certification',
] as const;
export type Facet = (typeof FACETS)[number];

/** A search as a caller asks it; every filter is optional. */
export interface SearchRequest {
  q: string;
  kind?: SearchKind;
  layer?: string;
  /** Dotted; the namespace and everything below it. */
  namespace?: string;
  /** key=value */
  tag?: string;
  owner?: string;
  format?: string;
  certification?: string;
  /** 1..100, default 20. */
  limit?: number;
  offset?: number;
}

export interface SearchHit {
  kind: SearchKind;
  fullName: string;
  name: string;
  path: string[];
  layer: string | null;
  namespace: string | null;
  format: string | null;
  certification: string | null;
  owners: string[];
  tags: string[];
  updatedAt: string;
  score: number;
  /** Where the query matched, the matched words marked «like this». */
  snippet: string | null;
  /** Columns of a table whose name or description matched. */
  matchedColumns: string[];
  /** Why it is here and at this place: fields matched, exact name, certification, use. */
  why: string[];
}

export interface SearchAnswer {
  query: string;
  /** Results the caller may see (after filters); facets count the same set. */
  total: number;
  /** More matches existed than one search looks at; total and facets cover the best ones. */
  truncated: boolean;
  /** Misspelt words and the indexed words searched instead. */
  corrections: Record<string, string[]>;
  results: SearchHit[];
  facets: Record<Facet, { value: string; count: number }[]>;
}
