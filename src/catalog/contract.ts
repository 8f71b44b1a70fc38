import type { TableResolver } from '../engine/index.js';
import type {
  IcebergTable,
  IcebergType,
  PartitionFieldRequest,
  SchemaChange,
  SortOrder,
} from '../iceberg/index.js';

/** A table's name, parsed at the edge: namespace levels (the first is the layer) and the name. */
export interface TableIdent {
  readonly namespace: readonly string[];
  readonly name: string;
}

export const LAYERS = ['bronze', 'silver', 'gold'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ColumnInfo {
  id: number;
  name: string;
  /** Iceberg type as a string: 'long', 'decimal(10, 2)', 'list<string>', 'struct<a: int>' … */
  type: string;
  required: boolean;
  doc: string | null;
}

export interface SnapshotInfo {
  snapshotId: string;
  parentSnapshotId: string | null;
  sequenceNumber: string;
  timestamp: string;
  operation: string;
  summary: Record<string, string>;
  schemaId: number | null;
  isCurrent: boolean;
}

export interface TableDescription {
  name: string;
  namespace: string[];
  layer: Layer;
  kind: 'iceberg' | 'external';
  location: string;
  metadataLocation: string | null;
  description: string | null;
  owner: string | null;
  properties: Record<string, string>;
  columns: ColumnInfo[];
  partitionSpec: { sourceColumn: string; transform: string; name: string }[];
  sortOrder: { column: string; direction: 'asc' | 'desc'; nullOrder: string }[];
  currentSnapshotId: string | null;
  snapshotCount: number;
  recordCount: number;
  fileCount: number;
  sizeBytes: number;
  createdAt: string;
  updatedAt: string;
  /** How an external table's raw files are read (kind 'external' only). */
  external?: ExternalTableSpec;
}

export interface CreateTableInput {
  columns: { name: string; type: IcebergType; required?: boolean; doc?: string }[];
  partitionBy?: PartitionFieldRequest[];
  sortOrder?: Omit<SortOrder, 'order-id'>;
  description?: string;
  properties?: Record<string, string>;
  /** Shown as the table's owner; governance records who really owns it. */
  owner?: string;
}

export type { SchemaChange };

export interface NamespaceDescription {
  path: string[];
  description: string | null;
  owner: string | null;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** What ingest, queries and the edges need from the catalog. Every name arrives parsed. */
export interface CatalogService {
  /** Creates the bronze, silver and gold namespaces and their warehouse folders; idempotent. */
  bootstrap(): Promise<void>;

  /** owner is shown as the namespace's (and any created ancestor's) owner. */
  createNamespace(
    path: string[],
    input?: { description?: string; properties?: Record<string, string>; owner?: string },
  ): Promise<NamespaceDescription>;
  listNamespaces(parent?: string[]): Promise<NamespaceDescription[]>;
  describeNamespace(path: string[]): Promise<NamespaceDescription>;
  updateNamespace(
    path: string[],
    patch: {
      description?: string | null;
      setProperties?: Record<string, string>;
      removeProperties?: string[];
    },
  ): Promise<NamespaceDescription>;
  renameNamespace(from: string[], to: string[]): Promise<void>;
  /** cascade drops the tables below too (and purges their files). */
  dropNamespace(path: string[], options?: { cascade?: boolean }): Promise<void>;

  createTable(ident: TableIdent, input: CreateTableInput): Promise<TableDescription>;
  /** The loaded Iceberg table (NotFound TABLE_NOT_FOUND otherwise). */
  loadTable(ident: TableIdent): Promise<IcebergTable>;
  tableExists(ident: TableIdent): Promise<boolean>;
  listTables(namespace: string[]): Promise<{ namespace: string[]; name: string; kind: string }[]>;
  describeTable(ident: TableIdent): Promise<TableDescription>;
  updateTable(
    ident: TableIdent,
    patch: {
      description?: string | null;
      setProperties?: Record<string, string>;
      removeProperties?: string[];
    },
  ): Promise<TableDescription>;
  renameTable(from: TableIdent, to: TableIdent): Promise<void>;
  /** purge deletes the table's files too (default true). */
  dropTable(ident: TableIdent, options?: { purge?: boolean }): Promise<void>;
  snapshots(ident: TableIdent): Promise<SnapshotInfo[]>;
  rollback(ident: TableIdent, snapshotId: bigint): Promise<SnapshotInfo>;
  evolveSchema(ident: TableIdent, changes: SchemaChange[]): Promise<TableDescription>;
  /**
   * Deletes the rows matching a SQL condition over the table's columns (copy-on-write,
   * one snapshot; none when nothing matches). External tables are refused.
   */
  deleteRows(
    ident: TableIdent,
    where: string,
  ): Promise<{ deletedRows: number; snapshotId: string | null }>;
  /** The resolver the query engine uses to read tables by their catalog names. */
  resolver(): TableResolver;

  /** Registers raw files in place as a table (kind external); its files are never written. */
  createExternalTable(
    ident: TableIdent,
    spec: ExternalTableSpec,
    input?: { description?: string; properties?: Record<string, string>; owner?: string },
  ): Promise<TableDescription>;
  /** Changes an external table's read options and properties. */
  updateExternalTable(ident: TableIdent, patch: ExternalTablePatch): Promise<TableDescription>;
  /**
   * Copies an external table's rows (partition columns included) into a new Iceberg
   * table, which becomes visible only once complete; the raw files stay.
   */
  convertExternalTable(
    from: TableIdent,
    to: TableIdent,
    input?: { owner?: string },
  ): Promise<ConvertedTable>;
}

export type ExternalTablePatch = Partial<ExternalTableSpec> & {
  description?: string | null;
  setProperties?: Record<string, string>;
  removeProperties?: string[];
};

/** The Iceberg table a conversion made, and what it copied. */
export interface ConvertedTable {
  table: TableDescription;
  rows: number;
  files: number;
}

// --- issue 4: the contracts that the catalog's parts code against ---

/**
 * Something whose searchable description changed, published after the commit (see
 * CatalogChanges). A rename publishes the old path as removed and the new one as changed,
 * the new one with `renamedFrom` (the old path), so what stores names can follow.
 */
export type CatalogChange =
  | {
      kind: 'namespace' | 'table' | 'volume';
      path: string[];
      removed?: boolean;
      renamedFrom?: string[];
    }
  | { kind: 'glossary_term'; name: string; removed?: boolean }
  | { kind: 'volume_file'; volume: string[]; fileId: string; removed?: boolean };

export const CERTIFICATIONS = ['draft', 'certified', 'deprecated'] as const;
export type Certification = (typeof CERTIFICATIONS)[number];

/** The business metadata of a namespace, table or volume (issue 4, item 1). */
export interface BusinessMetadata {
  /** Markdown. */
  description: string | null;
  /** Who answers for it: a principal or a group, and a contact e-mail. */
  owner: { kind: 'principal' | 'group'; name: string; contactEmail: string | null } | null;
  certification: {
    status: Certification;
    /** Why it is deprecated (required then). */
    reason: string | null;
    /** What to use instead, e.g. 'gold.revenue.daily_v2'. */
    replacement: string | null;
    by: string;
    at: string;
  } | null;
  /** Free and typed custom properties, as text (typed ones validated on write). */
  properties: Record<string, string>;
  /** Markdown, by column name (tables only). */
  columnDescriptions: Record<string, string>;
}

/** Reads business metadata; implemented in src/catalog/metadata/. Path as in Securable. */
export interface MetadataReader {
  read(kind: 'namespace' | 'table' | 'volume', path: string[]): Promise<BusinessMetadata>;
}

/** Reads the glossary links of a table (and its columns); implemented in src/catalog/glossary/. */
export interface GlossaryReader {
  /** Terms linked to the table or one of its columns (column null for the table itself). */
  linkedTo(tablePath: string[]): Promise<{ term: string; column: string | null }[]>;
  /** A term as search shows it; undefined when there is none. */
  term(name: string): Promise<
    | {
        name: string;
        definition: string;
        synonyms: string[];
        owner: string | null;
        parent: string | null;
      }
    | undefined
  >;
}

/** A file of a volume, with what was extracted from it; implemented in src/catalog/volumes/. */
export interface VolumeFileInfo {
  id: string;
  /** Path inside the volume, e.g. 'daisy/1001.jpg'. */
  path: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
  /** Extracted metadata: image_width, exif_make, pdf_pages, text_line_count, … */
  metadata: Record<string, string | number | null>;
  /** Extracted text (PDF, plain text), for search; may be cut short. */
  text: string | null;
}

export interface VolumeFileReader {
  file(volume: string[], fileId: string): Promise<VolumeFileInfo | undefined>;
}

export const EXTERNAL_FORMATS = ['parquet', 'csv', 'json', 'ndjson'] as const;
export type ExternalFormat = (typeof EXTERNAL_FORMATS)[number];

/**
 * Raw files registered in place as a table (what crawlers register). Queries read every
 * file under the location that matches the format and no exclusion, at query time.
 */
export interface ExternalTableSpec {
  /** file:///absolute/folder, inside one of the configured external locations. */
  location: string;
  format: ExternalFormat;
  /** gzip, zstd … or none; DuckDB reads compressed text files directly. */
  compression: 'none' | 'gzip' | 'zstd';
  /** CSV/TSV dialect, as sniffed. */
  csv?: { delimiter: string; quote: string; escape: string; header: boolean };
  /** The data columns (Iceberg types) followed by nothing: partition columns are apart. */
  columns: { name: string; type: string }[];
  /** Columns from key=value folders, outermost first. */
  partitionColumns: { name: string; type: string }[];
  /** Globs relative to the location whose files are not part of the table. */
  exclude: string[];
}
