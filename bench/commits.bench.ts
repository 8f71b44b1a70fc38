import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTableName } from '../src/catalog/index.js';
import { dataFileFromParquet, type DataFile, type Schema } from '../src/iceberg/index.js';
import type { ObjectStore } from '../src/storage/index.js';
import { rawDuckdb } from './baseline.js';
import { freshLakehouse } from './lakehouse.js';
import { percentile, timed } from './stats.js';

export interface CommitFigures {
  metastore: 'sqlite' | 'postgres';
  commits: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  totalRecords: string;
}

/**
 * `count` small appends, one after another, each a full optimistic commit: manifest,
 * manifest list and metadata JSON written, then the compare-and-swap in the metastore.
 * The Parquet files are written beforehand, so the figure is the commit alone.
 */
export async function benchCommits(count: number, metastore?: string): Promise<CommitFigures> {
  const lake = await freshLakehouse(metastore);
  const { catalog, store } = lake.services;
  const suffix = Math.random().toString(36).slice(2, 8);
  await catalog.createNamespace(['bronze', `bench_${suffix}`]);
  const ident = parseTableName(`bronze.bench_${suffix}.events`);
  await catalog.createTable(ident, {
    columns: [
      { name: 'id', type: 'long' },
      { name: 'payload', type: 'string' },
    ],
  });
  let table = await catalog.loadTable(ident);
  const files = await stageSmallFiles(count, table.context.keyPrefix, store, table.schema());

  const latencies: number[] = [];
  for (const file of files) {
    const { ms, value } = await timed(() => table.append([file]));
    latencies.push(ms);
    table = value;
  }
  await lake.services.close();
  latencies.sort((a, b) => a - b);
  return {
    metastore: metastore === undefined ? 'sqlite' : 'postgres',
    commits: count,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1]!,
    totalRecords: table.currentSnapshot()?.summary['total-records'] ?? '0',
  };
}

async function stageSmallFiles(
  count: number,
  keyPrefix: string,
  store: ObjectStore,
  schema: Schema,
): Promise<DataFile[]> {
  const local = join(mkdtempSync(join(tmpdir(), 'lakeward-bench-commit-')), 'small.parquet');
  await rawDuckdb((run) =>
    run(
      `COPY (SELECT range AS id, 'event ' || range AS payload FROM range(10)) TO '${local}' (FORMAT PARQUET, FIELD_IDS {id: 1, payload: 2})`,
    ),
  );
  const bytes = readFileSync(local);
  const files: DataFile[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${keyPrefix}/data/bench-${i}.parquet`;
    await store.put(key, bytes);
    files.push(await dataFileFromParquet(store, key, schema, { specId: 0, partition: {} }));
  }
  return files;
}
