import type { CrawlerDefinitionRecord } from '../metastore/index.js';

export const SCHEMA_CHANGE_POLICIES = ['update', 'log'] as const;
export const DELETION_POLICIES = ['deprecate', 'delete', 'log'] as const;
export const RECRAWL_MODES = ['all', 'new_folders'] as const;

/** What a user gives to create a crawler; everything but name and targets has a default. */
export interface CrawlerInput {
  name: string;
  /** file:///absolute/folder URLs (s3:// once storage supports it). */
  targets: string[];
  /** Globs relative to each target, e.g. '**\/*.tmp'. */
  exclude?: string[];
  /** Dotted, e.g. 'bronze.raw'; created when missing if the owner may. */
  namespace: string;
  tablePrefix?: string;
  /** Cron expression, evaluated in UTC; null or absent for manual runs only. */
  schedule?: string | null;
  schemaChangePolicy?: CrawlerDefinitionRecord['schemaChangePolicy'];
  deletionPolicy?: CrawlerDefinitionRecord['deletionPolicy'];
  recrawl?: CrawlerDefinitionRecord['recrawl'];
  description?: string | null;
}

export type CrawlerPatch = Partial<Omit<CrawlerInput, 'name'>>;

/** A crawler as its owner sees it. */
export interface CrawlerView {
  name: string;
  description: string | null;
  owner: string;
  targets: string[];
  exclude: string[];
  namespace: string;
  tablePrefix: string;
  schedule: string | null;
  schemaChangePolicy: CrawlerDefinitionRecord['schemaChangePolicy'];
  deletionPolicy: CrawlerDefinitionRecord['deletionPolicy'];
  recrawl: CrawlerDefinitionRecord['recrawl'];
  nextRunAt: string | null;
  running: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a run did to one table: added it, updated its schema (or only logged the change),
 * noticed new or gone files, left it as it was, deprecated, deleted or only logged it
 * when its folder was gone, or could not register it.
 */
export const TABLE_ACTIONS = [
  'added',
  'schema_updated',
  'schema_change_logged',
  'files_changed',
  'unchanged',
  'restored',
  'deprecated',
  'deleted',
  'missing_logged',
  'not_registered',
] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export interface SchemaDiff {
  added: string[];
  removed: string[];
  retyped: { column: string; from: string; to: string }[];
}

export interface TableOutcome {
  /** Dotted full name, e.g. 'bronze.raw.bronze_csv'. */
  table: string;
  action: TableAction;
  reason: string;
  location: string;
  format?: string;
  files?: number;
  recordCount?: number;
  schemaChange?: SchemaDiff;
}

export const SKIP_KINDS = [
  'excluded',
  'hidden',
  'unclassified',
  'not_registered',
  'schema_mismatch',
  'name_taken',
] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

export interface SkippedPath {
  path: string;
  kind: SkipKind;
  reason: string;
}

export interface CrawlReport {
  filesSeen: number;
  tables: TableOutcome[];
  /** Files (or folders) left out, and why; at most MAX_SKIPPED_LISTED of them. */
  skipped: SkippedPath[];
  /** Counts by table action and by skip kind, complete even when skipped is cut short. */
  summary: Record<string, number>;
}

export interface CrawlRunView {
  id: string;
  crawler: string;
  trigger: 'manual' | 'schedule';
  runAs: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  report: CrawlReport | null;
}
