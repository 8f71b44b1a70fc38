import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { sql } from 'kysely';
import { InternalError } from '../errors/index.js';
import type { Database, MetastoreDialect } from './database.js';

/** What every repository runs on: a database handle and a way to make several statements atomic. */
export interface Executor {
  readonly dialect: MetastoreDialect;
  readonly db: Kysely<Database>;
  /** Runs fn in a transaction of its own, or inside the caller's when there already is one. */
  atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** The database whose transaction the current async call chain runs inside, if any. */
const runningTransaction = new AsyncLocalStorage<object>();

/**
 * A query on the metastore's own handle from inside one of its transactions would wait for
 * that transaction forever (SQLite's single connection, or a PostgreSQL row lock); this
 * turns that hang into an error that names the fix.
 */
class TransactionGuard implements KyselyPlugin {
  constructor(private readonly database: object) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (runningTransaction.getStore() === this.database) {
      throw new InternalError(
        'A metastore call inside transaction() used the metastore instead of the repositories passed to the function.',
        {
          hint: 'Inside store.transaction(async (tx) => …) call tx.tables, tx.namespaces, … only.',
        },
      );
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/**
 * SQLite takes the write lock at BEGIN IMMEDIATE, so two processes never both read then
 * fail to upgrade (SQLITE_BUSY without waiting); busy_timeout makes the second one wait.
 */
async function sqliteTransaction<T>(
  db: Kysely<Database>,
  fn: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      // SQLite may already have rolled back on its own; the original error is what matters.
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** Repositories on the metastore's own handle; base must carry no plugins. */
export function topLevelExecutor(base: Kysely<Database>, dialect: MetastoreDialect): Executor {
  const run = <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
    dialect === 'sqlite' ? sqliteTransaction(base, fn) : base.transaction().execute(fn);
  return {
    dialect,
    db: base.withPlugin(new TransactionGuard(base)),
    atomic: (fn) => runningTransaction.run(base, () => run(fn)),
  };
}

export function transactionExecutor(tx: Kysely<Database>, dialect: MetastoreDialect): Executor {
  return { dialect, db: tx, atomic: (fn) => fn(tx) };
}
