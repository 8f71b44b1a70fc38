import type { QualityRepository } from './quality-repository.js';
import type { LineageRepository } from './lineage-repository.js';
import type { PipelineRepository } from './pipeline-repository.js';
import type { CatalogMetadataRepository } from './catalog-metadata-repository.js';
import type { GlossaryRepository } from './glossary-repository.js';
import type { ClassificationRepository } from './classification-repository.js';
import type { SearchRepository } from './search-repository.js';
import type { ExternalTableRepository } from './external-table-repository.js';
import type { CrawlerRepository } from './crawler-repository.js';
import type { StreamRepository } from './stream-repository.js';
import type { VolumeRepository } from './volume-repository.js';
import type {
  AuditRepository,
  DataPolicyRepository,
  GrantRepository,
  GroupRepository,
  PolicyVersionRepository,
  SecurablePathRepository,
  TagRepository,
} from './governance-repositories.js';

/**
 * The metastore's repository contracts. Implemented once with Kysely and run on
 * SQLite (embedded) and PostgreSQL; the contract suite in test/metastore runs
 * against both. Names are stored as given; lookups are exact.
 */

export interface NamespaceRecord {
  /** Levels, e.g. ['bronze', 'retail']. */
  path: string[];
  properties: Record<string, string>;
  description: string | null;
  owner: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TableKind = { iceberg: 'iceberg', external: 'external' } as const;
export type TableKind = (typeof TableKind)[keyof typeof TableKind];

export interface TableRecord {
  id: string;
  namespace: string[];
  name: string;
  kind: TableKind;
  /** URI of the current Iceberg metadata JSON; null only while being created. */
  metadataLocation: string | null;
  /** Key prefix of the table folder inside the warehouse, e.g. 'bronze/retail/invoices'. */
  location: string;
  description: string | null;
  owner: string | null;
  properties: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NamespaceRepository {
  create(ns: {
    path: string[];
    properties?: Record<string, string>;
    description?: string | null;
    owner?: string | null;
  }): Promise<NamespaceRecord>;
  get(path: string[]): Promise<NamespaceRecord | undefined>;
  /** Direct children of parent ([] for the top level), ordered by name. */
  listChildren(parent: string[]): Promise<NamespaceRecord[]>;
  update(
    path: string[],
    patch: {
      properties?: Record<string, string>;
      description?: string | null;
      owner?: string | null;
    },
  ): Promise<NamespaceRecord>;
  /** Renames a namespace and, in the same transaction, every namespace and table below it. */
  rename(from: string[], to: string[]): Promise<void>;
  /** Only an empty namespace (no child namespaces, no tables) can be dropped. */
  delete(path: string[]): Promise<void>;
}

export interface TableRepository {
  create(t: {
    namespace: string[];
    name: string;
    kind: TableKind;
    metadataLocation: string | null;
    location: string;
    description?: string | null;
    owner?: string | null;
    properties?: Record<string, string>;
  }): Promise<TableRecord>;
  get(namespace: string[], name: string): Promise<TableRecord | undefined>;
  getById(id: string): Promise<TableRecord | undefined>;
  list(namespace: string[]): Promise<TableRecord[]>;
  /**
   * Sets metadataLocation to next only if it is still expected (atomic); true when it
   * was swapped, false when another writer got there first.
   */
  compareAndSwapMetadata(id: string, expected: string | null, next: string): Promise<boolean>;
  update(
    id: string,
    patch: {
      description?: string | null;
      owner?: string | null;
      properties?: Record<string, string>;
    },
  ): Promise<TableRecord>;
  rename(id: string, to: { namespace: string[]; name: string }): Promise<TableRecord>;
  delete(id: string): Promise<void>;
}

export interface IngestedFileRecord {
  tableId: string;
  sha256: string;
  sourcePath: string;
  sizeBytes: number;
  rowCount: number;
  rejectedCount: number;
  batchId: string;
  snapshotId: string;
  ingestedAt: Date;
}

export interface IngestedFileRepository {
  find(tableId: string, sha256: string): Promise<IngestedFileRecord | undefined>;
  record(files: IngestedFileRecord[]): Promise<void>;
  list(tableId: string): Promise<IngestedFileRecord[]>;
}

export interface PrincipalRecord {
  id: string;
  name: string;
  kind: 'user' | 'service';
  isAdmin: boolean;
  createdAt: Date;
}

export interface TokenRecord {
  id: string;
  principalId: string;
  name: string;
  /** scrypt(secret, salt) as hex; the secret itself is never stored. */
  secretHash: string;
  salt: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface PrincipalRepository {
  create(p: { name: string; kind: 'user' | 'service'; isAdmin: boolean }): Promise<PrincipalRecord>;
  get(id: string): Promise<PrincipalRecord | undefined>;
  getByName(name: string): Promise<PrincipalRecord | undefined>;
  list(): Promise<PrincipalRecord[]>;
  /** Deletes the principal and (cascade) its tokens. */
  delete(id: string): Promise<void>;
}

export interface TokenRepository {
  create(t: Omit<TokenRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'>): Promise<TokenRecord>;
  get(id: string): Promise<TokenRecord | undefined>;
  listFor(principalId: string): Promise<TokenRecord[]>;
  revoke(id: string): Promise<void>;
  touch(id: string, at: Date): Promise<void>;
}

/** Everything the metastore offers; one per process, closed on shutdown. */
export interface Metastore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly namespaces: NamespaceRepository;
  readonly tables: TableRepository;
  readonly ingestedFiles: IngestedFileRepository;
  readonly principals: PrincipalRepository;
  readonly tokens: TokenRepository;
  readonly groups: GroupRepository;
  readonly grants: GrantRepository;
  readonly tags: TagRepository;
  readonly dataPolicies: DataPolicyRepository;
  readonly securablePaths: SecurablePathRepository;
  readonly audit: AuditRepository;
  readonly policyVersion: PolicyVersionRepository;
  readonly metadata: CatalogMetadataRepository;
  readonly glossary: GlossaryRepository;
  readonly classifications: ClassificationRepository;
  readonly search: SearchRepository;
  readonly externalTables: ExternalTableRepository;
  readonly crawlers: CrawlerRepository;
  readonly volumes: VolumeRepository;
  readonly quality: QualityRepository;
  readonly lineage: LineageRepository;
  readonly pipelines: PipelineRepository;
  readonly streams: StreamRepository;
  /** Runs fn in one database transaction; the repositories passed in are bound to it. */
  transaction<T>(fn: (tx: Omit<Metastore, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
