import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { registerBucketFunctions } from './bucket-function.js';

export interface SessionOptions {
  /** DuckDB size text, e.g. '1GB'. */
  memoryLimit: string;
  /** Where DuckDB spills when an operation outgrows the memory limit. */
  tempDir: string;
  threads?: number;
}

/**
 * A trusted DuckDB connection for Lakeward's own work (ingest, table writes).
 * It may read and write local files, so user SQL never runs here: that goes through
 * the governed query path.
 */
export interface Session {
  run(sql: string): Promise<void>;
  /** Rows as JSON-safe objects (big integers and decimals as text, times as ISO text). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Output columns of a SELECT, with DuckDB type names. */
  describe(selectSql: string): Promise<{ name: string; type: string }[]>;
  /** Stops the statement that is running, which then fails. */
  interrupt(): void;
  close(): void;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const instance = await DuckDBInstance.create(':memory:', sessionConfig(options));
  return new DuckDBSession(instance, await connect(instance));
}

/** Trusted sessions that share one DuckDB instance (its memory limit and spill directory). */
export interface SessionHost {
  /** A session of its own (temp tables, interrupt); closing it leaves the instance open. */
  open(): Promise<Session>;
  close(): void;
}

/**
 * One instance for many short sessions: creating an instance costs more than the small
 * statements of an incremental job run, while a connection costs next to nothing.
 */
export async function openSessionHost(options: SessionOptions): Promise<SessionHost> {
  const instance = await DuckDBInstance.create(':memory:', sessionConfig(options));
  return {
    open: async () => new DuckDBSession(undefined, await connect(instance)),
    close: () => instance.closeSync(),
  };
}

async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  registerBucketFunctions(connection);
  return connection;
}

function sessionConfig(options: SessionOptions): Record<string, string> {
  const config: Record<string, string> = {
    memory_limit: options.memoryLimit,
    temp_directory: options.tempDir,
    // Keeping input order would make large COPYs buffer whole row groups per thread.
    preserve_insertion_order: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  return config;
}

class DuckDBSession implements Session {
  constructor(
    /** undefined: the instance is a host's, which outlives the session. */
    private readonly instance: DuckDBInstance | undefined,
    private readonly connection: DuckDBConnection,
  ) {}

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async all<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as T[];
  }

  async describe(selectSql: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.all<{ column_name: string; column_type: string }>(
      `DESCRIBE ${selectSql}`,
    );
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
    this.instance?.closeSync();
  }
}
