import type { FastifyInstance } from 'fastify';
import {
  CERTIFICATIONS,
  LAYERS,
  METADATA_KINDS,
  PROPERTY_TYPES,
  parseTarget,
} from '../../catalog/index.js';
import type {
  CatalogMetadata,
  CertificationInput,
  MetadataKind,
  MetadataPatch,
  PropertyDefinitionInput,
  PropertyDefinitions,
} from '../../catalog/index.js';
import { callerOf } from '../caller.js';
import { errorResponses } from '../schemas.js';

const tags = ['metadata'];
const nullableString = { type: ['string', 'null'] } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const kinds = {
  type: 'array',
  items: { type: 'string', enum: METADATA_KINDS },
  uniqueItems: true,
} as const;

const ownerSchema = {
  type: ['object', 'null'],
  properties: {
    kind: { type: 'string', enum: ['principal', 'group'] },
    name: { type: 'string' },
    contactEmail: nullableString,
  },
} as const;

const metadataSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: METADATA_KINDS },
    name: { type: 'string', examples: ['gold.revenue.daily'] },
    description: nullableString,
    owner: ownerSchema,
    governanceOwner: {
      type: ['object', 'null'],
      properties: { kind: { type: 'string' }, name: { type: 'string' } },
    },
    certification: {
      type: ['object', 'null'],
      properties: {
        status: { type: 'string', enum: CERTIFICATIONS },
        reason: nullableString,
        replacement: nullableString,
        by: { type: 'string' },
        at: { type: 'string' },
      },
    },
    properties: stringMap,
    missingProperties: { type: 'array', items: { type: 'string' } },
    columnDescriptions: stringMap,
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          type: { type: 'string' },
          description: nullableString,
        },
      },
    },
  },
} as const;

const changeSchema = {
  type: 'object',
  properties: {
    field: { type: 'string', examples: ['property:business_domain'] },
    oldValue: nullableString,
    newValue: nullableString,
    changedBy: { type: 'string' },
    changedAt: { type: 'string' },
  },
} as const;

const definitionProperties = {
  type: { type: 'string', enum: PROPERTY_TYPES },
  pattern: { type: 'string' },
  min: { type: 'number' },
  max: { type: 'number' },
  values: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  description: { type: 'string' },
  appliesTo: { ...kinds, minItems: 1 },
  requiredIn: { type: 'array', items: { type: 'string', enum: LAYERS }, uniqueItems: true },
  force: { type: 'boolean', description: 'declare it even though values already set break it' },
} as const;

const definitionSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'string' },
    pattern: nullableString,
    min: { type: ['number', 'null'] },
    max: { type: ['number', 'null'] },
    values: { type: 'array', items: { type: 'string' } },
    description: nullableString,
    appliesTo: { type: 'array', items: { type: 'string' } },
    requiredIn: { type: 'array', items: { type: 'string' } },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const targetParams = {
  type: 'object',
  required: ['kind', 'name'],
  properties: {
    kind: { type: 'string', enum: METADATA_KINDS },
    name: { type: 'string', description: 'Dotted name, e.g. gold.revenue.daily' },
  },
} as const;
const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

interface TargetParams {
  kind: MetadataKind;
  name: string;
}
type DefinitionBody = Omit<PropertyDefinitionInput, 'name'> & { force?: boolean };

const target = (p: TargetParams) => parseTarget(p.kind, p.name);

/** Business metadata of namespaces, tables and volumes, and the typed property definitions. */
export function metadataRoutes(
  app: FastifyInstance,
  metadata: CatalogMetadata,
  definitions: PropertyDefinitions,
): void {
  const ok = { 200: metadataSchema, ...errorResponses(400, 403, 404) };

  app.get<{ Params: TargetParams }>(
    '/metadata/:kind/:name',
    {
      schema: {
        tags,
        summary:
          'Business metadata: description, owner, certification, properties, column descriptions',
        params: targetParams,
        response: { 200: metadataSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => metadata.show(callerOf(request), target(request.params)),
  );

  app.patch<{ Params: TargetParams; Body: MetadataPatch }>(
    '/metadata/:kind/:name',
    {
      schema: {
        tags,
        summary: 'Change the description, business owner or properties (needs ALTER)',
        params: targetParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: { ...nullableString, description: 'Markdown; null or blank clears it' },
            owner: {
              type: ['object', 'null'],
              required: ['kind', 'name'],
              additionalProperties: false,
              properties: {
                kind: { type: 'string', enum: ['principal', 'group'] },
                name: { type: 'string', minLength: 1 },
                contactEmail: { ...nullableString, examples: ['data-eng@example.com'] },
              },
            },
            setProperties: stringMap,
            removeProperties: { type: 'array', items: { type: 'string' } },
          },
        },
        response: ok,
      },
    },
    async (request) => metadata.update(callerOf(request), target(request.params), request.body),
  );

  app.put<{ Params: { name: string }; Body: { columns: Record<string, string | null> } }>(
    '/metadata/table/:name/columns',
    {
      schema: {
        tags,
        summary: "Set (text) or remove (null) descriptions of a table's columns (needs ALTER)",
        params: nameParam,
        body: {
          type: 'object',
          required: ['columns'],
          additionalProperties: false,
          properties: {
            columns: {
              type: 'object',
              minProperties: 1,
              additionalProperties: nullableString,
              examples: [{ amount: 'Net amount in **EUR**' }],
            },
          },
        },
        response: ok,
      },
    },
    async (request) => {
      const table = parseTarget('table', request.params.name);
      return metadata.describeColumns(callerOf(request), table.path, request.body.columns);
    },
  );

  app.post<{ Params: TargetParams; Body: CertificationInput }>(
    '/metadata/:kind/:name/certification',
    {
      schema: {
        tags,
        summary: 'Certify as draft, certified or deprecated (with a reason and a replacement)',
        params: targetParams,
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: CERTIFICATIONS },
            reason: { type: 'string' },
            replacement: { type: 'string', examples: ['gold.revenue.daily_v2'] },
          },
        },
        response: ok,
      },
    },
    async (request) => metadata.certify(callerOf(request), target(request.params), request.body),
  );

  app.get<{ Params: TargetParams; Querystring: { limit?: number } }>(
    '/metadata/:kind/:name/history',
    {
      schema: {
        tags,
        summary: 'Every change of the business metadata, newest first',
        params: targetParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } },
        },
        response: {
          200: { type: 'object', properties: { changes: { type: 'array', items: changeSchema } } },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { limit } = request.query;
      const options = limit === undefined ? {} : { limit };
      return {
        changes: await metadata.history(callerOf(request), target(request.params), options),
      };
    },
  );

  definitionRoutes(app, definitions);
}

function definitionRoutes(app: FastifyInstance, definitions: PropertyDefinitions): void {
  const dtags = ['property definitions'];
  const body = {
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: definitionProperties,
  } as const;

  app.get(
    '/property-definitions',
    {
      schema: {
        tags: dtags,
        summary: 'List typed custom properties',
        response: {
          200: {
            type: 'object',
            properties: { definitions: { type: 'array', items: definitionSchema } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ definitions: await definitions.list(callerOf(request)) }),
  );

  app.get<{ Params: { name: string } }>(
    '/property-definitions/:name',
    {
      schema: {
        tags: dtags,
        summary: 'One typed custom property',
        params: nameParam,
        response: { 200: definitionSchema, ...errorResponses(404) },
      },
    },
    async (request) => definitions.get(callerOf(request), request.params.name),
  );

  app.post<{ Body: DefinitionBody & { name: string } }>(
    '/property-definitions',
    {
      schema: {
        tags: dtags,
        summary: 'Declare a typed property (admin or MANAGE_GRANTS on the catalog)',
        body: {
          ...body,
          required: ['name', 'type'],
          properties: {
            name: { type: 'string', examples: ['quality_score'] },
            ...definitionProperties,
          },
        },
        response: { 201: definitionSchema, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { force, ...input } = request.body;
      const created = await definitions.define(callerOf(request), input, { force: force === true });
      return reply.code(201).send(created);
    },
  );

  app.put<{ Params: { name: string }; Body: DefinitionBody }>(
    '/property-definitions/:name',
    {
      schema: {
        tags: dtags,
        summary:
          "Replace a typed property's rule (values already set must follow it unless forced)",
        params: nameParam,
        body,
        response: { 200: definitionSchema, ...errorResponses(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const { force, ...input } = request.body;
      return definitions.update(
        callerOf(request),
        { ...input, name: request.params.name },
        { force: force === true },
      );
    },
  );

  app.delete<{ Params: { name: string }; Querystring: { force?: boolean } }>(
    '/property-definitions/:name',
    {
      schema: {
        tags: dtags,
        summary: 'Delete a typed property; refused while set somewhere unless ?force=true',
        params: nameParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { force: { type: 'boolean' } },
        },
        response: { 204: { type: 'null' }, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await definitions.drop(callerOf(request), request.params.name, {
        force: request.query.force === true,
      });
      return reply.code(204).send();
    },
  );
}
