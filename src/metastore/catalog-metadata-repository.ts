import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import type {
  BusinessMetadataTable,
  MetadataHistoryTable,
  PropertyDefinitionsTable,
} from './catalog-metadata-migration.js';
import { checkName, namespacePath, nowIso, toDate, toProperties } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { Executor } from './executor.js';
import { byText, nonEmptyPathText, parsePath, toStrings } from './securable-codec.js';

export type MetadataKindRecord = 'namespace' | 'table' | 'volume';

export interface MetadataSecurableRecord {
  kind: MetadataKindRecord;
  path: string[];
}

/** What the metastore keeps of a securable's business metadata beyond its own row. */
export interface BusinessEntryRecord {
  /** Volumes only: namespaces and tables keep theirs on their own rows. */
  properties: Record<string, string> | null;
  owner: { kind: 'principal' | 'group'; name: string; contactEmail: string | null } | null;
  certification: {
    status: string;
    reason: string | null;
    replacement: string | null;
    by: string;
    at: Date;
  } | null;
}

export interface PropertyRuleRecord {
  pattern?: string;
  min?: number;
  max?: number;
  values?: string[];
}

export interface PropertyDefinitionRecord {
  name: string;
  type: string;
  rule: PropertyRuleRecord;
  description: string | null;
  appliesTo: MetadataKindRecord[];
  requiredIn: string[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PropertyUseRecord {
  securable: MetadataSecurableRecord;
  value: string;
}

export interface MetadataHistoryRecord {
  securable: MetadataSecurableRecord;
  /** e.g. description, column_description:<column>, owner, certification, property:<key>. */
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string;
  changedAt: Date;
}

/** Business metadata: certification, owner contacts, column descriptions, typed property definitions, change history. */
export interface CatalogMetadataRepository {
  get(securable: MetadataSecurableRecord): Promise<BusinessEntryRecord | undefined>;
  /** Creates or replaces the securable's entry. */
  put(securable: MetadataSecurableRecord, entry: BusinessEntryRecord): Promise<void>;
  /** By column name. */
  columnDescriptions(tablePath: string[]): Promise<Record<string, string>>;
  /** null removes the description. */
  setColumnDescription(tablePath: string[], column: string, text: string | null): Promise<void>;
  /** The description follows a column rename; a description left on `to` is replaced. */
  renameColumn(tablePath: string[], from: string, to: string): Promise<void>;

  createDefinition(
    d: Omit<PropertyDefinitionRecord, 'createdAt' | 'updatedAt'>,
  ): Promise<PropertyDefinitionRecord>;
  replaceDefinition(
    d: Omit<PropertyDefinitionRecord, 'createdAt' | 'updatedAt' | 'createdBy'>,
  ): Promise<PropertyDefinitionRecord>;
  getDefinition(name: string): Promise<PropertyDefinitionRecord | undefined>;
  /** Ordered by name. */
  listDefinitions(): Promise<PropertyDefinitionRecord[]>;
  deleteDefinition(name: string): Promise<void>;
  /** Namespaces, tables and volumes whose properties hold the key, with its value (at most limit). */
  propertyUsers(key: string, limit: number): Promise<PropertyUseRecord[]>;

  /** Entries of one change, all at the same time, in the order given. */
  appendHistory(entries: Omit<MetadataHistoryRecord, 'changedAt'>[]): Promise<void>;
  /** Newest first. */
  history(securable: MetadataSecurableRecord, limit?: number): Promise<MetadataHistoryRecord[]>;
}

function toEntry(row: Selectable<BusinessMetadataTable>): BusinessEntryRecord {
  return {
    properties: row.properties === null ? null : toProperties(row.properties),
    owner:
      row.owner_kind === null || row.owner_name === null
        ? null
        : {
            kind: row.owner_kind === 'group' ? 'group' : 'principal',
            name: row.owner_name,
            contactEmail: row.owner_email,
          },
    certification:
      row.certification === null
        ? null
        : {
            status: row.certification,
            reason: row.certification_reason,
            replacement: row.certification_replacement,
            by: row.certified_by ?? '',
            at: toDate(row.certified_at ?? new Date(0)),
          },
  };
}

function toDefinition(row: Selectable<PropertyDefinitionsTable>): PropertyDefinitionRecord {
  return {
    name: row.name,
    type: row.type,
    rule: JSON.parse(row.rule) as PropertyRuleRecord,
    description: row.description,
    appliesTo: toStrings(row.applies_to) as MetadataKindRecord[],
    requiredIn: toStrings(row.required_in),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toHistory(row: Selectable<MetadataHistoryTable>): MetadataHistoryRecord {
  return {
    securable: {
      kind: row.securable_kind as MetadataKindRecord,
      path: parsePath(row.securable_path),
    },
    field: row.field,
    oldValue: row.old_value,
    newValue: row.new_value,
    changedBy: row.changed_by,
    changedAt: toDate(row.changed_at),
  };
}

function definitionNotFound(name: string): NotFound {
  return new NotFound('PROPERTY_DEFINITION_NOT_FOUND', `No property is defined as "${name}".`, {
    hint: 'List the definitions with lakeward catalog properties list.',
  });
}

/** The key's value in a properties column, undefined when it is not there. */
function valueOf(properties: string | null, key: string): string | undefined {
  if (properties === null) return undefined;
  const parsed = toProperties(properties);
  return Object.hasOwn(parsed, key) ? parsed[key] : undefined;
}

function used(
  securable: MetadataSecurableRecord,
  properties: string | null,
  key: string,
): PropertyUseRecord[] {
  const value = valueOf(properties, key);
  return value === undefined ? [] : [{ securable, value }];
}

export function catalogMetadataRepository(executor: Executor): CatalogMetadataRepository {
  const { db } = executor;
  const keyOf = (s: MetadataSecurableRecord) => ({
    kind: s.kind,
    path: nonEmptyPathText(s.path),
  });

  return {
    async get(securable) {
      const { kind, path } = keyOf(securable);
      const row = await db
        .selectFrom('business_metadata')
        .selectAll()
        .where('securable_kind', '=', kind)
        .where('securable_path', '=', path)
        .executeTakeFirst();
      return row && toEntry(row);
    },

    async put(securable, entry) {
      const { kind, path } = keyOf(securable);
      const values = {
        properties: entry.properties === null ? null : JSON.stringify(entry.properties),
        owner_kind: entry.owner?.kind ?? null,
        owner_name: entry.owner?.name ?? null,
        owner_email: entry.owner?.contactEmail ?? null,
        certification: entry.certification?.status ?? null,
        certification_reason: entry.certification?.reason ?? null,
        certification_replacement: entry.certification?.replacement ?? null,
        certified_by: entry.certification?.by ?? null,
        certified_at: entry.certification?.at.toISOString() ?? null,
      };
      await db
        .insertInto('business_metadata')
        .values({ securable_kind: kind, securable_path: path, ...values })
        .onConflict((oc) => oc.columns(['securable_kind', 'securable_path']).doUpdateSet(values))
        .execute();
    },

    async columnDescriptions(tablePath) {
      const rows = await db
        .selectFrom('column_descriptions')
        .select(['column_name', 'description'])
        .where('table_path', '=', nonEmptyPathText(tablePath))
        .execute();
      const sorted = rows.sort(byText((r) => r.column_name));
      return Object.fromEntries(sorted.map((r) => [r.column_name, r.description]));
    },

    async setColumnDescription(tablePath, column, text) {
      const table_path = nonEmptyPathText(tablePath);
      const column_name = checkName(column, 'column');
      if (text === null) {
        await db
          .deleteFrom('column_descriptions')
          .where('table_path', '=', table_path)
          .where('column_name', '=', column_name)
          .execute();
        return;
      }
      await db
        .insertInto('column_descriptions')
        .values({ table_path, column_name, description: text })
        .onConflict((oc) =>
          oc.columns(['table_path', 'column_name']).doUpdateSet({ description: text }),
        )
        .execute();
    },

    async renameColumn(tablePath, from, to) {
      const table_path = nonEmptyPathText(tablePath);
      await executor.atomic(async (tx) => {
        await tx
          .deleteFrom('column_descriptions')
          .where('table_path', '=', table_path)
          .where('column_name', '=', checkName(to, 'column'))
          .execute();
        await tx
          .updateTable('column_descriptions')
          .set({ column_name: to })
          .where('table_path', '=', table_path)
          .where('column_name', '=', from)
          .execute();
      });
    },

    async createDefinition(d) {
      const now = nowIso();
      const row = {
        name: checkName(d.name, 'property'),
        type: d.type,
        rule: JSON.stringify(d.rule),
        description: d.description,
        applies_to: JSON.stringify(d.appliesTo),
        required_in: JSON.stringify(d.requiredIn),
        created_by: d.createdBy,
        created_at: now,
        updated_at: now,
      };
      await translateConstraints(
        () => db.insertInto('property_definitions').values(row).execute(),
        {
          unique: () =>
            new AlreadyExists(
              'PROPERTY_DEFINITION_ALREADY_EXISTS',
              `The property "${d.name}" is already defined.`,
              { hint: 'Update the existing definition, or choose another name.' },
            ),
        },
      );
      return toDefinition(row);
    },

    async replaceDefinition(d) {
      const row = await db
        .updateTable('property_definitions')
        .set({
          type: d.type,
          rule: JSON.stringify(d.rule),
          description: d.description,
          applies_to: JSON.stringify(d.appliesTo),
          required_in: JSON.stringify(d.requiredIn),
          updated_at: nowIso(),
        })
        .where('name', '=', d.name)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw definitionNotFound(d.name);
      return toDefinition(row);
    },

    async getDefinition(name) {
      const row = await db
        .selectFrom('property_definitions')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toDefinition(row);
    },

    async listDefinitions() {
      const rows = await db.selectFrom('property_definitions').selectAll().execute();
      return rows.sort(byText((r) => r.name)).map(toDefinition);
    },

    async deleteDefinition(name) {
      const result = await db
        .deleteFrom('property_definitions')
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw definitionNotFound(name);
    },

    async propertyUsers(key, limit) {
      // LIKE narrows the rows on both databases; the JSON decides (LIKE's case and '_' rules differ).
      const pattern = `%${JSON.stringify(key)}%`;
      const namespaces = await db
        .selectFrom('namespaces')
        .select(['key', 'properties'])
        .where('properties', 'like', pattern)
        .execute();
      const tables = await db
        .selectFrom('tables')
        .innerJoin('namespaces', 'namespaces.id', 'tables.namespace_id')
        .select(['namespaces.key as namespace', 'tables.name', 'tables.properties'])
        .where('tables.properties', 'like', pattern)
        .execute();
      const volumes = await db
        .selectFrom('business_metadata')
        .select(['securable_kind', 'securable_path', 'properties'])
        .where('properties', 'like', pattern)
        .execute();
      const users: PropertyUseRecord[] = [
        ...namespaces.flatMap((n) =>
          used({ kind: 'namespace', path: namespacePath(n.key) }, n.properties, key),
        ),
        ...tables.flatMap((t) =>
          used({ kind: 'table', path: [...namespacePath(t.namespace), t.name] }, t.properties, key),
        ),
        ...volumes.flatMap((v) =>
          used(
            { kind: v.securable_kind as MetadataKindRecord, path: parsePath(v.securable_path) },
            v.properties,
            key,
          ),
        ),
      ];
      return users.slice(0, limit);
    },

    async appendHistory(entries) {
      if (entries.length === 0) return;
      const changedAt = nowIso();
      await db
        .insertInto('metadata_history')
        .values(
          entries.map((e, ordinal) => ({
            id: randomUUID(),
            securable_kind: e.securable.kind,
            securable_path: nonEmptyPathText(e.securable.path),
            field: e.field,
            old_value: e.oldValue,
            new_value: e.newValue,
            changed_by: e.changedBy,
            changed_at: changedAt,
            ordinal,
          })),
        )
        .execute();
    },

    async history(securable, limit = 1000) {
      const { kind, path } = keyOf(securable);
      const rows = await db
        .selectFrom('metadata_history')
        .selectAll()
        .where('securable_kind', '=', kind)
        .where('securable_path', '=', path)
        .orderBy('changed_at', 'desc')
        .orderBy('ordinal', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toHistory);
    },
  };
}
