import type { FastifyInstance } from 'fastify';
import type { SearchRequest, SearchService } from '../../catalog/index.js';
import { CERTIFICATIONS, FACETS, SEARCH_KINDS } from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['search'];
const strings = { type: 'array', items: { type: 'string' } } as const;
const nullable = { type: ['string', 'null'] } as const;

const hitSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: [...SEARCH_KINDS] },
    fullName: { type: 'string', examples: ['gold.customer_ltv.customer_ltv'] },
    name: { type: 'string' },
    path: strings,
    layer: nullable,
    namespace: nullable,
    format: nullable,
    certification: nullable,
    owners: strings,
    tags: strings,
    updatedAt: { type: 'string', format: 'date-time' },
    score: { type: 'number' },
    snippet: { ...nullable, description: 'Where it matched; matched words marked «like this»' },
    matchedColumns: strings,
    why: strings,
  },
} as const;

const facetValues = {
  type: 'array',
  items: {
    type: 'object',
    properties: { value: { type: 'string' }, count: { type: 'integer' } },
  },
} as const;

const answerSchema = {
  type: 'object',
  properties: {
    query: { type: 'string' },
    total: { type: 'integer' },
    truncated: { type: 'boolean' },
    corrections: { type: 'object', additionalProperties: strings },
    results: { type: 'array', items: hitSchema },
    facets: {
      type: 'object',
      properties: Object.fromEntries(FACETS.map((f) => [f, facetValues])),
    },
  },
} as const;

const filter = (description: string, examples: string[]) =>
  ({ type: 'string', minLength: 1, description, examples }) as const;

/** Search over the catalog, and the admin's rebuild of its index. */
export function searchRoutes(app: FastifyInstance, search: SearchService): void {
  app.get<{ Querystring: SearchRequest }>(
    '/search',
    {
      schema: {
        tags,
        summary: 'Search tables, namespaces, volumes, files and glossary terms',
        description:
          'Over names, descriptions, columns, tags, glossary terms, properties and owners; typos ' +
          'are corrected and the last word matches as a prefix. Only what the caller may DESCRIBE ' +
          'is returned, and facets count only that.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', default: '', maxLength: 500, examples: ['customer revenue'] },
            kind: { type: 'string', enum: [...SEARCH_KINDS] },
            layer: filter('bronze, silver or gold', ['gold']),
            namespace: filter('the namespace and everything below it', ['gold.revenue']),
            tag: filter('key=value', ['sensitivity=pii']),
            owner: filter('a principal or group', ['marketing_team']),
            format: filter('iceberg, parquet, csv, json, volume …', ['iceberg']),
            certification: { type: 'string', enum: [...CERTIFICATIONS] },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: { 200: answerSchema, ...errorResponses(400) },
      },
    },
    async (request) => search.search(callerOf(request), request.query),
  );

  app.post(
    '/search/reindex',
    {
      schema: {
        tags,
        summary: 'Rebuild the search index from the catalog (admins only)',
        response: {
          200: { type: 'object', properties: { documents: { type: 'integer' } } },
          ...errorResponses(403),
        },
      },
    },
    async (request) => search.reindex(callerOf(request)),
  );
}
