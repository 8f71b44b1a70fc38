import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import { Unavailable } from '../errors/index.js';
import type { MetastoreDialect } from './database.js';
import type { ColumnTypes } from './governance-migration.js';
import { governance } from './governance-migration.js';
import { qualityTables } from './quality-migration.js';
import { lineageTables } from './lineage-migration.js';
import { pipelineTables } from './pipeline-migration.js';
import { catalogMetadataTables } from './catalog-metadata-migration.js';
import { glossaryTables } from './glossary-migration.js';
import { classificationTables } from './classification-migration.js';
import { searchTables } from './search-migration.js';
import { externalTableTables } from './external-table-migration.js';
import { crawlerTables } from './crawler-migration.js';
import { volumeTables } from './volume-migration.js';
import { streamTables } from './stream-migration.js';
import { streamLeaseColumns } from './stream-lease-migration.js';

const migrationTable = 'lakeward_migration';
const migrationLockTable = 'lakeward_migration_lock';

/** Column types that differ between the two databases; everything else is portable. */
function types(dialect: MetastoreDialect): ColumnTypes {
  return {
    time: dialect === 'postgres' ? sql`timestamptz` : sql`text`,
    count: dialect === 'postgres' ? sql`bigint` : sql`integer`,
  };
}

function core(dialect: MetastoreDialect): Migration {
  const { time, count } = types(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('namespaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('parent_id', 'text', (c) => c.references('namespaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('owner', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('namespaces_parent')
        .on('namespaces')
        .column('parent_id')
        .execute();

      await db.schema
        .createTable('tables')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('metadata_location', 'text')
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('owner', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addUniqueConstraint('tables_namespace_name', ['namespace_id', 'name'])
        .execute();

      await db.schema
        .createTable('ingested_files')
        .addColumn('table_id', 'text', (c) =>
          c.notNull().references('tables.id').onDelete('cascade'),
        )
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('source_path', 'text', (c) => c.notNull())
        .addColumn('size_bytes', count, (c) => c.notNull())
        .addColumn('row_count', count, (c) => c.notNull())
        .addColumn('rejected_count', count, (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('snapshot_id', 'text', (c) => c.notNull())
        .addColumn('ingested_at', time, (c) => c.notNull())
        .addUniqueConstraint('ingested_files_table_sha_batch', ['table_id', 'sha256', 'batch_id'])
        .execute();

      await db.schema
        .createTable('principals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal_id', 'text', (c) =>
          c.notNull().references('principals.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('salt', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time)
        .addColumn('revoked_at', time)
        .addColumn('last_used_at', time)
        .execute();
      await db.schema.createIndex('tokens_principal').on('tokens').column('principal_id').execute();
    },
  };
}

/** Migration 0003: the catalog's business metadata, glossary, search, crawlers and volumes. */
function catalog(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await catalogMetadataTables(db, t);
      await glossaryTables(db, t);
      await classificationTables(db, t);
      await searchTables(db, t);
      await externalTableTables(db, t);
      await crawlerTables(db, t);
      await volumeTables(db, t);
    },
  };
}

/** Migration 0004: data quality, lineage and medallion pipelines. */
function pipelines(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await qualityTables(db, t);
      await lineageTables(db, t);
      await pipelineTables(db, t);
    },
  };
}

/** Migration 0005: streaming ingestion. */
function streams(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await streamTables(db, t);
    },
  };
}

/** Migration 0006: one server runs each stream (its lease). */
function streamLeasesMigration(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await streamLeaseColumns(db, t);
    },
  };
}

/** Forward-only: a migration, once released, is never changed or removed. */
function migrations(dialect: MetastoreDialect): Record<string, Migration> {
  return {
    '0001_core': core(dialect),
    '0002_governance': governance(types(dialect)),
    '0003_catalog': catalog(types(dialect)),
    '0004_pipelines': pipelines(types(dialect)),
    '0005_streams': streams(types(dialect)),
    '0006_stream_leases': streamLeasesMigration(types(dialect)),
  };
}

/** A brand-new database has no migration table yet. */
function isMissingTable(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && message.includes('no such table'));
}

/**
 * PostgreSQL keeps the metastore in the first schema of the search_path. Naming it keeps
 * the migrator from mistaking another schema's migration table (another Lakeward sharing
 * the database) for ours.
 */
async function schemaOf(db: Kysely<unknown>, dialect: MetastoreDialect) {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new Unavailable('METASTORE_NO_SCHEMA', 'The PostgreSQL search_path names no schema.', {
      hint: 'Create the schema named in the search_path, or connect with a search_path that exists.',
    });
  }
  return schema;
}

async function appliedNames(db: Kysely<unknown>, schema: string | undefined): Promise<string[]> {
  const table = schema === undefined ? migrationTable : `${schema}.${migrationTable}`;
  try {
    const { rows } = await sql<{
      name: string;
    }>`select name from ${sql.table(table)}`.execute(db);
    return rows.map((row) => row.name);
  } catch (err) {
    if (isMissingTable(err)) return [];
    throw err;
  }
}

/** Brings the schema up to date; refuses a database that a newer Lakeward has migrated. */
export async function migrate(db: Kysely<unknown>, dialect: MetastoreDialect): Promise<void> {
  const known = migrations(dialect);
  const schema = await schemaOf(db, dialect);
  const unknown = (await appliedNames(db, schema)).filter((name) => !(name in known));
  if (unknown.length > 0) {
    throw new Unavailable(
      'METASTORE_TOO_NEW',
      `The metastore was upgraded by a newer Lakeward (migrations ${unknown.join(', ')}).`,
      { hint: 'Run the newer Lakeward release, or point this one at another metastore.' },
    );
  }
  const provider: MigrationProvider = { getMigrations: async () => known };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: migrationTable,
    migrationLockTableName: migrationLockTable,
    migrationTableSchema: schema,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new Unavailable(
      'METASTORE_MIGRATION_FAILED',
      'The metastore schema could not be brought up to date.',
      {
        hint: 'Check that the database is reachable and writable; the server log has the cause.',
        cause: error,
      },
    );
  }
}
