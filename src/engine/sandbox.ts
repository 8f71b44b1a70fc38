import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidInput } from '../errors/index.js';
import { quoteLiteral } from './sql-quote.js';

export interface SandboxOptions {
  /** Files the query's views read; nothing else on disk is reachable. */
  readableFiles: string[];
  /** Files the query may write (a Parquet export's output). */
  writableFiles?: string[];
  memoryLimit: string;
  threads?: number;
  /** A folder of this sandbox's own is made here for DuckDB to spill to, and removed on close. */
  spillRoot: string;
}

export interface Sandbox {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * An in-memory DuckDB locked down before any user SQL runs: external access off
 * except for the exact files of the tables read, no extension loading, and the
 * configuration frozen so SQL cannot undo it. Since the lockdown is fixed for
 * the instance's life, it may serve several queries that need exactly these
 * files and limits (see SandboxPool), one at a time.
 */
export async function openSandbox(options: SandboxOptions): Promise<Sandbox> {
  fs.mkdirSync(options.spillRoot, { recursive: true });
  const spillDir = fs.mkdtempSync(path.join(options.spillRoot, 'query-'));
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: spillDir,
    memory_limit: options.memoryLimit,
    ...(options.threads === undefined ? {} : { threads: String(options.threads) }),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  }).catch((err: unknown) => {
    fs.rmSync(spillDir, { recursive: true, force: true });
    throw new InvalidInput(
      'INVALID_QUERY_LIMITS',
      `DuckDB refused the query limits (memory ${options.memoryLimit}, threads ${options.threads ?? 'default'}).`,
      {
        hint: "Give the memory limit as a size such as '2GB' and threads as a positive integer.",
        cause: err,
      },
    );
  });
  const connection = await instance.connect();
  const close = (): void => {
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(spillDir, { recursive: true, force: true });
  };
  try {
    // List settings cannot be given at creation through the C API, so they are set
    // by SQL, before external access is switched off and the configuration locked.
    // One round trip: the statements run in order, so the lock comes last.
    const paths = [...options.readableFiles, ...(options.writableFiles ?? [])];
    await connection.run(
      [
        "SET TimeZone = 'UTC'",
        `SET allowed_paths = [${paths.map(quoteLiteral).join(', ')}]`,
        'SET enable_external_access = false',
        'SET lock_configuration = true',
      ].join('; '),
    );
  } catch (err) {
    close();
    throw err;
  }
  return { connection, close };
}
