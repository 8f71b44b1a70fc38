import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { InvalidInput, Unavailable } from '../errors/index.js';
import type { Database, MetastoreDialect } from './database.js';
import { kyselyMetastore } from './kysely-metastore.js';
import { migrate } from './migrations.js';
import type { Metastore } from './repositories.js';

const supported = 'sqlite:/absolute/path.db, sqlite::memory:, postgres://user@host:port/db';
/** How long a writer waits for another process's SQLite write lock before giving up. */
const sqliteBusyTimeoutMs = 10_000;

function sqliteDatabase(uri: string): Kysely<Database> {
  const file = uri.slice('sqlite:'.length);
  const inMemory = file === ':memory:';
  if (!inMemory && !path.isAbsolute(file)) {
    throw new InvalidInput(
      'INVALID_METASTORE',
      `The SQLite metastore "${uri}" is not an absolute path.`,
      {
        hint: 'Write sqlite:/absolute/path/lakeward.db or sqlite::memory:.',
      },
    );
  }
  if (!inMemory) mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  if (!inMemory) database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  database.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

function postgresDatabase(uri: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: uri, max: 10 });
  // An idle connection the server dropped is replaced on the next query, which reports
  // the outage itself; without a listener Node would crash the process on it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function dialectOf(uri: string): MetastoreDialect {
  if (uri.startsWith('sqlite:')) return 'sqlite';
  if (uri.startsWith('postgres://') || uri.startsWith('postgresql://')) return 'postgres';
  throw new InvalidInput(
    'UNSUPPORTED_METASTORE',
    `The metastore "${uri}" is not a supported URI.`,
    {
      hint: `Supported metastores: ${supported}.`,
    },
  );
}

/** The URI without its password, for messages. */
function redacted(uri: string): string {
  return uri.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Opens the metastore named by a URI and brings its schema up to date. */
export async function openMetastore(uri: string): Promise<Metastore> {
  const dialect = dialectOf(uri);
  let db: Kysely<Database> | undefined;
  try {
    db = dialect === 'sqlite' ? sqliteDatabase(uri) : postgresDatabase(uri);
    await migrate(db as Kysely<unknown>, dialect);
  } catch (err) {
    await db?.destroy();
    if (err instanceof Unavailable || err instanceof InvalidInput) throw err;
    throw new Unavailable(
      'METASTORE_UNAVAILABLE',
      `The metastore ${redacted(uri)} could not be opened.`,
      {
        hint: 'Check that the database is running and the URI, user and password are right.',
        cause: err,
      },
    );
  }
  return kyselyMetastore(db, dialect);
}
