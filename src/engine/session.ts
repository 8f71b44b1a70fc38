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
  const config: Record<string, string> = {
    memory_limit: options.memoryLimit,
    temp_directory: options.tempDir,
    // Keeping input order would make large COPYs buffer whole row groups per thread.
    preserve_insertion_order: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  registerBucketFunctions(connection);
  return new DuckDBSession(instance, connection);
}

class DuckDBSession implements Session {
  constructor(
    private readonly instance: DuckDBInstance,
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
    this.instance.closeSync();
  }
}
