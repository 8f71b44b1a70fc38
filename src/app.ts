/**
 * The one place that builds Lakeward's services from a configuration, by hand
 * (DESIGN.md, "Wiring by hand"). Edges (CLI, server) and tests call createServices;
 * nothing else constructs services.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AccessGate,
  Catalog,
  CatalogChanges,
  CatalogMetadata,
  CatalogSecurables,
  Classifications,
  ExternalLocations,
  Glossary,
  GovernedCatalog,
  LAYERS,
  PropertyDefinitions,
  QueryService,
  SearchIndexer,
  SearchService,
  TableCompaction,
  TableSnapshotExpiry,
  metastoreListing,
  governanceChange,
  Volumes,
  volumeExists,
} from './catalog/index.js';
import type { CatalogChange } from './catalog/index.js';
import { CONFIG_FILE, defaultsFor, loadConfig, parseConfig } from './config/index.js';
import { Crawlers } from './crawler/index.js';
import type { LakewardConfig } from './config/index.js';
import { QueryEngine, openSession } from './engine/index.js';
import { AlreadyExists } from './errors/index.js';
import {
  ALL_USERS_GROUP,
  AuditSystemTable,
  DirectoryService,
  HashChainAuditLog,
  PolicyAdministration,
  PolicyAuthorizer,
  createAuthenticator,
} from './governance/index.js';
import type {
  AuditLog,
  Authenticator,
  Authorizer,
  Directory,
  IssuedToken,
  PolicyAdmin,
  Principal,
} from './governance/index.js';
import {
  BatchIngest,
  GovernedIngest,
  Streams,
  streamParts,
  streamPositionKeeper,
} from './ingest/index.js';
import { GoldTables, Lineage, OpenLineageEmitter } from './lineage/index.js';
import { openMetastore } from './metastore/index.js';
import type { Metastore } from './metastore/index.js';
import { openObjectStore } from './storage/index.js';
import { Quality } from './quality/index.js';
import { JobRunner, Jobs, RunPropertyWrites } from './pipelines/index.js';
import type { ObjectStore } from './storage/index.js';

export interface Services {
  readonly config: LakewardConfig;
  readonly store: ObjectStore;
  readonly metastore: Metastore;
  /** The catalog itself, ungoverned: for wiring and internal work, never for a caller. */
  readonly catalog: Catalog;
  /** The catalog use cases as a caller runs them: checked, filtered and audited. */
  readonly governed: GovernedCatalog;
  /** Crawlers that find raw files and register them as external tables. */
  readonly crawlers: Crawlers;
  readonly engine: QueryEngine;
  /** Governed and audited SQL. */
  readonly query: QueryService;
  /** Governed and audited ingest. */
  readonly ingest: GovernedIngest;
  readonly auth: Authenticator;
  readonly authorizer: Authorizer;
  readonly audit: AuditLog;
  readonly directory: Directory;
  readonly policies: PolicyAdmin;
  /** Catalog changes, published after commit (the search index listens). */
  readonly changes: CatalogChanges;
  /** Governed search over the catalog (the index follows `changes`). */
  readonly search: SearchService;
  /** Sensitive-data detection: suggested column classifications and their review. */
  readonly classifications: Classifications;
  /** The business glossary: terms, their hierarchy and their links to tables and columns. */
  readonly glossary: Glossary;
  /** Business metadata of namespaces, tables and volumes: descriptions, owners, certification, properties, history. */
  readonly metadata: CatalogMetadata;
  /** Typed custom properties that property values are checked against. */
  readonly propertyDefinitions: PropertyDefinitions;
  /** Volumes of unstructured files: their files, extracted metadata and file tables. */
  readonly volumes: Volumes;
  /** Data quality: DQDL rulesets, evaluations and their history, profiles, recommendations. */
  readonly quality: Quality;
  /** Medallion jobs: definitions (also as YAML folders), runs now, on a schedule or after upstream jobs. */
  readonly jobs: Jobs;
  /** Table and column lineage of jobs (and OpenLineage imports): graph, impact, run events. */
  readonly lineage: Lineage;
  /** Gold tables for AI: business metric, feature-store reference, consuming ML models. */
  readonly goldTables: GoldTables;
  /** Streams into bronze (HTTP push, Kafka, NATS, MQTT): definitions, state, pushes; run by the server. */
  readonly streams: Streams;
  /** Rewrites small data files into larger ones: on demand, and in the background for streaming tables. */
  readonly compaction: TableCompaction;
  /** Removes old snapshots and the files only they reach: on demand, and in the background for streaming tables. */
  readonly snapshotExpiry: TableSnapshotExpiry;
  /** Releases the engine and the metastore connections; call once on shutdown. */
  close(): Promise<void>;
}

export function cacheDirOf(config: LakewardConfig): string {
  return join(config.home, 'cache');
}

export function tempDirOf(config: LakewardConfig): string {
  return join(config.home, 'tmp');
}

/** Where the MASK_HASH key is kept when the configuration does not give one. */
export function maskHashKeyFileOf(config: LakewardConfig): string {
  return join(config.home, 'secrets', 'mask-hash.key');
}

/**
 * The MASK_HASH key: governance.maskHashKey, else the home's key file, created on first
 * use (also for homes made before masks existed). Both are used as text, so copying the
 * file's content into the configuration of another server gives the same hashes.
 */
async function maskHashKey(config: LakewardConfig): Promise<Buffer> {
  if (config.governance.maskHashKey !== undefined) {
    return Buffer.from(config.governance.maskHashKey, 'utf8');
  }
  const file = maskHashKeyFileOf(config);
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': when two processes race to create it, the first key wins and both read it.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, {
      mode: 0o600,
      flag: 'wx',
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
}

export async function createServices(config: LakewardConfig): Promise<Services> {
  await mkdir(tempDirOf(config), { recursive: true });
  const maskHashKeyBytes = await maskHashKey(config);
  const store = await openObjectStore(config.warehouse, { cacheDir: cacheDirOf(config) });
  const metastore = await openMetastore(config.metastore);
  try {
    const tempDir = tempDirOf(config);
    const catalog = new Catalog({
      metastore,
      store,
      commit: config.commit,
      externalLocations: config.catalog.externalLocations,
      rowChanges: {
        session: {
          tempDir,
          memoryLimit: config.ingest.memoryLimit,
          ...(config.query.threads === undefined ? {} : { threads: config.query.threads }),
        },
        targetFileSizeBytes: config.ingest.targetFileSizeBytes,
      },
    });
    const engine = new QueryEngine({
      tempDir,
      timeoutMs: config.query.timeoutMs,
      memoryLimit: config.query.memoryLimit,
      maxResultRows: config.query.maxResultRows,
      ...(config.query.threads === undefined ? {} : { threads: config.query.threads }),
    });
    const authorizer = new PolicyAuthorizer(metastore, {
      refreshMs: config.governance.policyRefreshMs,
      maskHashKey: maskHashKeyBytes,
    });
    const audit = new HashChainAuditLog(metastore, {
      authorizer,
      retentionDays: config.audit.retentionDays,
    });
    const auth = createAuthenticator(metastore, config.auth);
    const directory = new DirectoryService(metastore, { auth, authorizer, audit });
    const securables = new CatalogSecurables(catalog, {
      exists: (path) => volumeExists(metastore, path),
    });
    const changes = new CatalogChanges(reportChangeFailure);
    const policies = new PolicyAdministration(metastore, {
      authorizer,
      audit,
      securables,
      onShownChange: async (securable) => {
        const change = governanceChange(securable);
        if (change !== undefined) await changes.publish(change);
      },
    });
    const gate = new AccessGate(authorizer, audit);
    const glossary = new Glossary({ metastore, catalog, gate, changes });
    const propertyDefinitions = new PropertyDefinitions({ metastore, gate });
    const metadata = new CatalogMetadata({
      catalog,
      metastore,
      gate,
      definitions: propertyDefinitions,
      changes,
    });
    const auditTable = new AuditSystemTable(metastore, { authorizer, tempDir });
    const volumes = new Volumes({
      metastore,
      store,
      gate,
      changes,
      policies,
      tempDir,
      maxFileBytes: config.server.maxUploadBytes,
    });
    const queryGovernance = { gate, auditTable, volumes, usage: metastore.search };
    const query = new QueryService(engine, catalog, config.query, queryGovernance);
    const searchIndexer = new SearchIndexer({
      repository: metastore.search,
      governance: metastore,
      catalog,
      metadata,
      glossary,
      volumes,
      listing: metastoreListing(metastore),
    });
    changes.subscribe((change) => searchIndexer.apply(change));
    const search = new SearchService({
      repository: metastore.search,
      indexer: searchIndexer,
      gate,
    });
    const batch = new BatchIngest({ catalog, metastore, openSession, config, tempDir });
    const classifications = new Classifications({
      catalog,
      query,
      gate,
      policies,
      suggestions: metastore.classifications,
      tags: metastore.tags,
      changes,
      system: async () => ({
        principal: await auth.localAdmin(),
        context: { channel: 'internal' },
      }),
    });
    const ingest = new GovernedIngest({
      ingest: batch,
      catalog,
      gate,
      policies,
      changes,
      ...(config.catalog.classifyOnIngest && {
        afterIngest: (caller, summary) =>
          classifications.afterIngest(caller, summary, reportClassificationFailure),
      }),
    });
    const governed = new GovernedCatalog({
      catalog,
      gate,
      policies,
      businessMetrics: glossary.businessMetrics,
      changes,
      metadata,
    });
    const runPropertyWrites = new RunPropertyWrites({ catalog, metadata });
    const quality = new Quality({
      query,
      engine,
      gate,
      governed,
      catalog: runPropertyWrites,
      repository: metastore.quality,
      changes,
    });
    const crawlers = new Crawlers({
      metastore,
      gate,
      catalog: governed,
      locations: new ExternalLocations(config.catalog.externalLocations),
      openSession: () =>
        openSession({
          tempDir,
          memoryLimit: config.ingest.memoryLimit,
          ...(config.query.threads === undefined ? {} : { threads: config.query.threads }),
        }),
      deprecate: async (caller, table, reason) => {
        await metadata.certify(
          caller,
          { kind: 'table', path: table },
          { status: 'deprecated', reason },
        );
      },
    });
    const openLineage = config.lineage.openLineage;
    const lineage = new Lineage({
      catalog,
      gate,
      repository: metastore.lineage,
      emitter: new OpenLineageEmitter(openLineage),
      namespace: openLineage.namespace,
      keyOf: (uri) => store.keyOf(uri),
    });
    const goldTables = new GoldTables({ catalog, governed, gate, repository: metastore.lineage });
    const streams = new Streams({
      metastore,
      catalog,
      gate,
      changes,
      parts: streamParts({ catalog, openSession, config, tempDir }),
      allowedSources: config.streams.allowedSources,
    });
    const compaction = new TableCompaction({
      catalog,
      metastore,
      gate,
      session: {
        tempDir,
        memoryLimit: config.ingest.memoryLimit,
        ...(config.query.threads === undefined ? {} : { threads: config.query.threads }),
      },
      defaults: config.compaction,
      system: async () => ({
        principal: await auth.localAdmin(),
        context: { channel: 'internal' },
      }),
    });
    const snapshotExpiry = new TableSnapshotExpiry({
      catalog,
      metastore,
      gate,
      defaults: config.snapshotExpiry,
      // Streams resume from positions in the table's history: expiry must keep them.
      keep: streamPositionKeeper(metastore.streams),
      system: async () => ({
        principal: await auth.localAdmin(),
        context: { channel: 'internal' },
      }),
    });
    const jobs = new Jobs({
      metastore,
      gate,
      authorizer,
      catalog,
      analyze: (sql) => engine.analyze(sql),
      quality,
      runner: new JobRunner({
        catalog,
        governed,
        query: { engine, defaults: config.query, governance: queryGovernance },
        quality,
        propertyWrites: runPropertyWrites,
        lineage,
        changes,
        tempDir,
        writes: {
          memoryLimit: config.ingest.memoryLimit,
          targetFileSizeBytes: config.ingest.targetFileSizeBytes,
          ...(config.query.threads === undefined ? {} : { threads: config.query.threads }),
        },
        warn: reportJobWarning,
      }),
      report: (err, what) =>
        reportJobWarning('background job work failed', { what, err: String(err) }),
    });
    // Jobs and lineage store table names: they follow renames (also those made by a CLI).
    changes.subscribe(async (change) => {
      await jobs.followRename(change);
    });
    changes.subscribe(async (change) => {
      await lineage.followRename(change);
    });
    return {
      config,
      store,
      metastore,
      catalog,
      volumes,
      lineage,
      goldTables,
      streams,
      compaction,
      snapshotExpiry,
      jobs,
      governed,
      crawlers,
      glossary,
      metadata,
      propertyDefinitions,
      engine,
      query,
      ingest,
      auth,
      authorizer,
      audit,
      directory,
      policies,
      changes,
      search,
      classifications,
      quality,
      async close() {
        engine.close();
        await metastore.close();
      },
    };
  } catch (err) {
    await metastore.close();
    throw err;
  }
}

/** Detection after a load failed: the load stands, its columns are just not classified yet. */
function reportClassificationFailure(err: unknown, table: string): void {
  const reason = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `${JSON.stringify({ level: 'warn', msg: 'sensitive-data detection after ingest failed', table, reason })}\n`,
  );
}

/** A job's side work (lineage, quality history, downstream triggering) failed: the run stands. */
function reportJobWarning(msg: string, facts: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg, ...facts })}\n`);
}

/** A listener of catalog changes failed: the change stands, a view of it (search) may lag. */
function reportChangeFailure(err: unknown, change: CatalogChange): void {
  const reason = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `${JSON.stringify({ level: 'warn', msg: 'a catalog change was not followed (search, jobs or lineage)', change, reason })}\n`,
  );
}

export interface InitHomeOptions {
  home: string;
  /** Settings in the config's shape (from flags); warehouse and metastore are written to the file. */
  overrides?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
}

export interface InitHomeResult {
  config: LakewardConfig;
  /** false when the home was already initialised; then no new token is issued. */
  created: boolean;
  /** The admin's API token, returned only when the admin was created just now. */
  adminToken?: IssuedToken;
}

/** Creates (or completes) a home: config file, warehouse layers, metastore, catalog, admin. */
export async function initHome(options: InitHomeOptions): Promise<InitHomeResult> {
  await mkdir(options.home, { recursive: true });
  const configFile = join(options.home, CONFIG_FILE);
  if (!existsSync(configFile)) {
    await writeFile(configFile, defaultConfigYaml(options.home, options.overrides ?? {}), 'utf8');
  }
  const config = loadConfig({
    home: options.home,
    ...(options.overrides ? { overrides: options.overrides } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  await createLayerFolders(config.warehouse);
  const services = await createServices(config);
  try {
    await services.catalog.bootstrap();
    const admin = await bootstrapAdmin(services.auth);
    if (admin === undefined) return { config, created: false };
    await letEveryoneUseTheLayers(services.policies, admin.principal);
    await services.classifications.ensureTagKey({
      principal: admin.principal,
      context: { channel: 'internal' },
    });
    return { config, created: true, adminToken: admin.token };
  } finally {
    await services.close();
  }
}

async function bootstrapAdmin(
  auth: Authenticator,
): Promise<{ principal: Principal; token: IssuedToken } | undefined> {
  try {
    return await auth.bootstrapAdmin();
  } catch (err) {
    if (err instanceof AlreadyExists) return undefined;
    throw err;
  }
}

/**
 * USAGE on bronze, silver and gold for everyone. Reaching a table needs USAGE on each
 * of its namespaces, so without this every grant on a table or a deeper namespace
 * would also need a USAGE grant on its layer. USAGE alone lets nobody see or read
 * anything (deny by default still holds): it only lets the grants below take effect.
 */
async function letEveryoneUseTheLayers(policies: PolicyAdmin, admin: Principal): Promise<void> {
  const caller = { principal: admin, context: { channel: 'internal' as const } };
  for (const layer of LAYERS) {
    await policies.grant(caller, {
      privileges: ['USAGE'],
      securable: { kind: 'namespace', path: [layer] },
      grantee: { kind: 'group', name: ALL_USERS_GROUP },
    });
  }
}

/** Object stores need no folders, but users of a local warehouse expect to see the layers. */
async function createLayerFolders(warehouse: string): Promise<void> {
  if (!warehouse.startsWith('file:')) return;
  const root = fileURLToPath(warehouse);
  for (const layer of LAYERS) await mkdir(join(root, layer), { recursive: true });
}

function yamlValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The defaults, written out so a user can see and change each setting in place. */
export function defaultConfigYaml(home: string, overrides: Record<string, unknown>): string {
  const d = parseConfig(defaultsFor(home));
  const location = (key: 'warehouse' | 'metastore', example: string): string => {
    const given = overrides[key];
    return typeof given === 'string'
      ? `${key}: ${yamlValue(given)}`
      : `# ${key}: ${example}   (default: ${d[key]})`;
  };
  return `# Lakeward configuration for this home. Precedence: these values < LAKEWARD_* environment
# variables < command-line flags. Paths inside the home follow it when the folder moves.

# Where table data lives: file:///absolute/folder or memory://name.
${location('warehouse', 'file:///srv/lakehouse/warehouse')}
# The metastore: sqlite:/absolute/path.db (embedded) or postgres://user:password@host:5432/db.
${location('metastore', 'postgres://lakeward@localhost:5432/lakeward')}

server:
  host: ${d.server.host}          # 0.0.0.0 to listen on every interface
  port: ${d.server.port}
  maxUploadBytes: ${d.server.maxUploadBytes}   # largest ingest upload over HTTP

query:
  timeoutMs: ${d.query.timeoutMs}       # a query running longer is cancelled
  # memoryLimit: 4GB    # DuckDB memory per query session (default: half this machine's memory); spills to <home>/tmp beyond it
  maxResultRows: ${d.query.maxResultRows}   # rows a JSON answer may hold; CSV, NDJSON and Parquet stream without limit
  # threads: 4              # DuckDB threads; all cores by default

ingest:
  memoryLimit: ${yamlValue(d.ingest.memoryLimit)}
  targetFileSizeBytes: ${d.ingest.targetFileSizeBytes}   # size of the Parquet files a load writes

commit:
  maxRetries: ${d.commit.maxRetries}          # retries of a commit that lost a race to another writer
  retryBaseDelayMs: ${d.commit.retryBaseDelayMs}

governance:
  policyRefreshMs: ${d.governance.policyRefreshMs}   # how soon a policy change made by another process takes effect
  # maskHashKey: "…"          # key of MASK_HASH; default: the file secrets/mask-hash.key in this home

audit:
  retentionDays: ${d.audit.retentionDays}   # events older than this are removed (the chain stays verifiable)

catalog:
  # Folders of raw files outside the warehouse that crawlers and external tables may read;
  # nothing else outside the warehouse is ever read.
  externalLocations: []     # e.g. ["file:///srv/landing"]
  classifyOnIngest: ${d.catalog.classifyOnIngest}   # suggest sensitive-data classifications for new tables and columns

streams:
  # Brokers streams may connect to: kafka://host:port, nats://host:port, mqtt://host:port,
  # mqtts://host:port (*.domain for every host under it). Empty: only HTTP streams.
  allowedSources: []     # e.g. ["kafka://10.0.0.5:9092", "nats://nats.internal:4222"]

# auth:
#   oidc:                     # single sign-on: accept JWTs from this OpenID Connect issuer
#     issuer: https://idp.example.com
#     audience: lakeward
#     jwksUrl: https://idp.example.com/.well-known/jwks.json   # or jwksFile: /path/jwks.json
#     usernameClaim: preferred_username
#     groupsClaim: groups
#     autoCreateUsers: true

logLevel: ${d.logLevel}            # fatal, error, warn, info, debug, trace or silent
`;
}
