import type {
  ExternalTableSpec,
  GovernedCatalog,
  TableDescription,
  TableIdent,
} from '../catalog/index.js';
import type { Caller } from '../governance/index.js';
import type { CrawlerRecord } from '../metastore/index.js';
import type { SchemaDiff, TableOutcome } from './contract.js';
import type { FoundTable } from './table-inference.js';

/** The governed catalog calls a crawl makes, all as the crawler's owner. */
export type CrawlerCatalog = Pick<
  GovernedCatalog,
  | 'createNamespace'
  | 'describeNamespace'
  | 'listTables'
  | 'describeTable'
  | 'createExternalTable'
  | 'updateExternalTable'
  | 'dropTable'
>;

/** Marks a table deprecated in its business metadata, when the metadata service is wired. */
export type Deprecate = (caller: Caller, table: string[], reason: string) => Promise<void>;

/** Properties a crawler keeps up to date on each table it registers. */
export const CRAWLED = {
  classification: 'classification',
  fileFormat: 'file_format',
  recordCount: 'record_count',
  sizeBytes: 'size_bytes',
  fileCount: 'file_count',
  lastCrawledAt: 'last_crawled_at',
  crawlerName: 'crawler_name',
  compression: 'compression',
  sourceLocation: 'source_location',
  deprecated: 'deprecated',
  deprecatedReason: 'deprecated_reason',
  deprecatedAt: 'deprecated_at',
} as const;

const DEPRECATION = [CRAWLED.deprecated, CRAWLED.deprecatedReason, CRAWLED.deprecatedAt];

export interface Registration {
  catalog: CrawlerCatalog;
  crawler: CrawlerRecord;
  runAs: Caller;
  /** When this run started, written as last_crawled_at. */
  crawledAt: string;
}

/**
 * Registers a found table, or brings the registered one up to date: a new table is
 * added; a changed schema is applied or only logged (schema-change policy); new or gone
 * files show in the counts; a table that was deprecated because its folder had gone is
 * restored when the folder is back.
 */
export async function register(
  r: Registration,
  ident: TableIdent,
  found: FoundTable & { fileFormat: string },
  existing: TableDescription | undefined,
  partial: boolean,
): Promise<TableOutcome> {
  const { spec } = found;
  const base = {
    table: [...ident.namespace, ident.name].join('.'),
    location: spec.location,
    format: found.fileFormat,
  };
  const before = existing?.properties ?? {};
  const counts = partial
    ? {
        fileCount: found.fileCount + num(before[CRAWLED.fileCount]),
        sizeBytes: found.sizeBytes + num(before[CRAWLED.sizeBytes]),
        recordCount: found.recordCount + num(before[CRAWLED.recordCount]),
      }
    : found;
  const properties = {
    // Glue's classifications: csv, json (array or newline-delimited), parquet.
    [CRAWLED.classification]: spec.format === 'ndjson' ? 'json' : spec.format,
    [CRAWLED.fileFormat]: found.fileFormat,
    [CRAWLED.recordCount]: String(counts.recordCount),
    [CRAWLED.sizeBytes]: String(counts.sizeBytes),
    [CRAWLED.fileCount]: String(counts.fileCount),
    [CRAWLED.lastCrawledAt]: r.crawledAt,
    [CRAWLED.crawlerName]: r.crawler.name,
    [CRAWLED.compression]: spec.compression,
    [CRAWLED.sourceLocation]: spec.location,
  };
  const facts = { files: counts.fileCount, recordCount: counts.recordCount };
  if (existing === undefined) {
    await r.catalog.createExternalTable(r.runAs, ident, spec, {
      description: `Raw ${found.fileFormat} files at ${spec.location}, registered by crawler ${r.crawler.name}.`,
      properties,
    });
    return { ...base, ...facts, action: 'added', reason: `${found.fileCount} file(s) found` };
  }
  const restored = before[CRAWLED.deprecated] === 'true';
  const removeProperties = restored ? DEPRECATION : [];
  if (partial) {
    await r.catalog.updateExternalTable(r.runAs, ident, {
      setProperties: properties,
      removeProperties,
    });
    return {
      ...base,
      ...facts,
      action: 'files_changed',
      reason: `${found.fileCount} file(s) in new folders added to the table (new_folders mode: the schema is not re-checked)`,
    };
  }
  const diff = schemaDiff(existing.external, spec);
  if (diff !== undefined && r.crawler.schemaChangePolicy === 'log') {
    await r.catalog.updateExternalTable(r.runAs, ident, {
      setProperties: { [CRAWLED.lastCrawledAt]: r.crawledAt },
    });
    return {
      ...base,
      ...facts,
      action: 'schema_change_logged',
      reason:
        'the files have another schema; schema-change policy "log" leaves the table as it was',
      schemaChange: diff,
    };
  }
  await r.catalog.updateExternalTable(r.runAs, ident, {
    ...spec,
    setProperties: properties,
    removeProperties,
  });
  if (diff !== undefined) {
    return {
      ...base,
      ...facts,
      action: 'schema_updated',
      reason: 'the files have another schema; the table now reads them with it',
      schemaChange: diff,
    };
  }
  if (restored) {
    return {
      ...base,
      ...facts,
      action: 'restored',
      reason: 'its files are back; no longer deprecated',
    };
  }
  const fileChange = filesChange(
    num(before[CRAWLED.fileCount]),
    found.fileCount,
    num(before[CRAWLED.sizeBytes]),
    found.sizeBytes,
  );
  if (fileChange !== undefined)
    return { ...base, ...facts, action: 'files_changed', reason: fileChange };
  return {
    ...base,
    ...facts,
    action: 'unchanged',
    reason: 'same files and schema as the last crawl',
  };
}

/** A table this crawler registered whose files are gone, handled per deletion policy. */
export async function registeredButMissing(
  r: Registration,
  table: TableDescription,
  why: string,
  deprecate: Deprecate | undefined,
): Promise<TableOutcome> {
  const ident = { namespace: table.namespace, name: table.name };
  const base = {
    table: [...table.namespace, table.name].join('.'),
    location: table.external?.location ?? table.properties[CRAWLED.sourceLocation] ?? '',
  };
  switch (r.crawler.deletionPolicy) {
    case 'delete':
      await r.catalog.dropTable(r.runAs, ident);
      return {
        ...base,
        action: 'deleted',
        reason: `${why}; deletion policy "delete" dropped the registration (no file was touched)`,
      };
    case 'log':
      return {
        ...base,
        action: 'missing_logged',
        reason: `${why}; deletion policy "log" leaves the table`,
      };
    case 'deprecate': {
      if (table.properties[CRAWLED.deprecated] === 'true') {
        return {
          ...base,
          action: 'unchanged',
          reason: `${why}; deprecated since ${table.properties[CRAWLED.deprecatedAt] ?? 'an earlier run'}`,
        };
      }
      await r.catalog.updateExternalTable(r.runAs, ident, {
        setProperties: {
          [CRAWLED.deprecated]: 'true',
          [CRAWLED.deprecatedReason]: why,
          [CRAWLED.deprecatedAt]: r.crawledAt,
        },
      });
      const certified = await deprecate?.(r.runAs, [...table.namespace, table.name], why).then(
        () => '; certification set to deprecated',
        (err: unknown) =>
          `; its certification could not be changed (${err instanceof Error ? err.message : String(err)})`,
      );
      return {
        ...base,
        action: 'deprecated',
        reason: `${why}; marked deprecated${certified ?? ''}`,
      };
    }
  }
}

function schemaDiff(
  old: ExternalTableSpec | undefined,
  now: ExternalTableSpec,
): SchemaDiff | undefined {
  const columns = (s: ExternalTableSpec | undefined) =>
    new Map([...(s?.columns ?? []), ...(s?.partitionColumns ?? [])].map((c) => [c.name, c.type]));
  const before = columns(old);
  const after = columns(now);
  const diff: SchemaDiff = {
    added: [...after.keys()].filter((c) => !before.has(c)),
    removed: [...before.keys()].filter((c) => !after.has(c)),
    retyped: [...after].flatMap(([column, to]) => {
      const from = before.get(column);
      return from !== undefined && from !== to ? [{ column, from, to }] : [];
    }),
  };
  const changed = diff.added.length + diff.removed.length + diff.retyped.length > 0;
  return changed ? diff : undefined;
}

function filesChange(
  beforeFiles: number,
  files: number,
  beforeBytes: number,
  bytes: number,
): string | undefined {
  if (files > beforeFiles) return `${files - beforeFiles} new file(s) (${beforeFiles} → ${files})`;
  if (files < beforeFiles) return `${beforeFiles - files} file(s) gone (${beforeFiles} → ${files})`;
  if (bytes !== beforeBytes) return `files changed size (${beforeBytes} → ${bytes} bytes)`;
  return undefined;
}

function num(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : 0;
}
