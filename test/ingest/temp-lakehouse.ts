import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, initHome } from '../../src/app.js';
import { parseTableName } from '../../src/catalog/index.js';
import type { CatalogService } from '../../src/catalog/index.js';
import { openSession, quoteLiteral, scanSql } from '../../src/engine/index.js';
import type { IngestRequest, IngestSummary } from '../../src/ingest/index.js';
import type { Metastore } from '../../src/metastore/index.js';

export const RETAIL_DAYS = path.resolve('../shared/data/retail/by-day');
export const FLIGHTS = path.resolve('../shared/data/flights');

/** A real lakehouse in a temporary folder: file warehouse, SQLite metastore, DuckDB sessions. */
export interface TempLakehouse {
  dir: string;
  catalog: CatalogService;
  metastore: Metastore;
  ingest(table: string, paths: string[], extra?: Partial<IngestRequest>): Promise<IngestSummary>;
  /** Rows of a table through its current snapshot (columns read by field id). */
  query<T = Record<string, unknown>>(table: string, select: string): Promise<T[]>;
  /** What DuckDB alone answers over raw files. */
  duck<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  file(name: string, content: string | Buffer): string;
  close(): Promise<void>;
}

export async function tempLakehouse(): Promise<TempLakehouse> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-ingest-'));
  const { config } = await initHome({ home: dir, env: {} });
  const services = await createServices(config);
  const { catalog, metastore } = services;
  // The home's admin, as the CLI acts on a home: governance allows it everything.
  const caller = {
    principal: await services.auth.localAdmin(),
    context: { channel: 'cli' as const },
  };
  const duck = async <T>(sql: string): Promise<T[]> => {
    const session = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp') });
    try {
      return await session.all<T>(sql);
    } finally {
      session.close();
    }
  };
  return {
    dir,
    catalog,
    metastore,
    ingest: (table, paths, extra = {}) =>
      services.ingest.ingest(caller, { table: parseTableName(table), paths, ...extra }),
    async query<T>(table: string, select: string) {
      const loaded = await catalog.loadTable(parseTableName(table));
      const files = (await loaded.planFiles()).map((f) => fileURLToPath(f.filePath));
      const scan = scanSql(loaded.schema(), files);
      return duck<T>(`WITH t AS (${scan}) ${select}`);
    },
    duck,
    file(name, content) {
      const full = path.join(dir, 'input', name);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
      return full;
    },
    async close() {
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function csvCount(files: string | string[]): string {
  const list = (Array.isArray(files) ? files : [files]).map(quoteLiteral).join(', ');
  return `SELECT count(*)::INTEGER AS n FROM read_csv([${list}], union_by_name = true)`;
}
