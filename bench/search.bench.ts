// Search latency over the real data sets' catalog and a generated one of 10,000 tables
// (default), beside a plain LIKE scan over the same documents in the same metastore: what
// the full-text index, typo correction, permission filtering and the audit event cost
// or save against the simplest search one could write. SQLite always; PostgreSQL when
// LAKEWARD_TEST_POSTGRES_URL is set.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { AccessGate, SearchIndexer, SearchService } from '../src/catalog/index.js';
import { freshLakehouse } from './lakehouse.js';
import { BENCH_QUERIES, BenchCatalog, generatedTables, realDataTables } from './search-catalog.js';
import { fmt, percentile, timed } from './stats.js';

const ROUNDS = Number(process.env.LAKEWARD_BENCH_SEARCH_ROUNDS ?? 10);

export interface SearchFigures {
  metastore: 'sqlite' | 'postgres';
  size: string;
  tables: number;
  documents: number;
  indexMs: number;
  searches: number;
  search: { p50Ms: number; p95Ms: number; p99Ms: number };
  baseline: { p50Ms: number; p95Ms: number; p99Ms: number };
}

/** The baseline: every document whose text contains every query word, 20 by name. */
type LikeScan = (words: string[]) => Promise<void>;

function likeSql(words: string[], param: (i: number) => string): string {
  const where = words.map((_, i) => `lower(fields) like ${param(i)}`).join(' and ');
  return `select id, full_name from search_documents where ${where} order by full_name limit 20`;
}

async function sqliteScan(uri: string): Promise<{ scan: LikeScan; close(): Promise<void> }> {
  const db = new Database(uri.replace(/^sqlite:/, ''), { readonly: true });
  return {
    scan: (words) => {
      db.prepare(likeSql(words, () => '?')).all(...words.map((w) => `%${w}%`));
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function postgresScan(uri: string): Promise<{ scan: LikeScan; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  return {
    scan: async (words) => {
      await client.query(
        likeSql(words, (i) => `$${i + 1}`),
        words.map((w) => `%${w}%`),
      );
    },
    close: () => client.end(),
  };
}

function spread(ms: number[]): SearchFigures['search'] {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
  };
}

export async function benchSearch(
  size: string,
  tables: ReturnType<typeof realDataTables>,
  postgres?: string,
): Promise<SearchFigures> {
  const schema = `lakeward_bench_search_${randomBytes(4).toString('hex')}`;
  let metastore: string | undefined;
  if (postgres !== undefined) {
    const admin = new pg.Client({ connectionString: postgres });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const sep = postgres.includes('?') ? '&' : '?';
    metastore = `${postgres}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const lake = await freshLakehouse(metastore);
  const { services } = lake;
  try {
    const gate = new AccessGate(services.authorizer, services.audit);
    const repository = services.metastore.search;
    const catalog = new BenchCatalog(tables);
    const indexer = new SearchIndexer({ repository, governance: services.metastore, catalog });
    const search = new SearchService({ repository, indexer, gate });
    const indexed = await timed(() => indexer.rebuild());

    const like = await (metastore === undefined
      ? sqliteScan(services.config.metastore)
      : postgresScan(metastore));
    const ours: number[] = [];
    const theirs: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const q of BENCH_QUERIES) {
          ours.push((await timed(() => search.search(lake.admin, { q, limit: 20 }))).ms);
          const words = q
            .toLowerCase()
            .split(/[^a-z0-9]+/)
            .filter(Boolean);
          theirs.push((await timed(() => like.scan(words))).ms);
        }
      }
    } finally {
      await like.close();
    }
    return {
      metastore: metastore === undefined ? 'sqlite' : 'postgres',
      size,
      tables: tables.length,
      documents: indexed.value.documents,
      indexMs: indexed.ms,
      searches: ours.length,
      search: spread(ours),
      baseline: spread(theirs),
    };
  } finally {
    await services.close();
    if (postgres !== undefined) {
      const admin = new pg.Client({ connectionString: postgres });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }
}

export function searchReport(figures: SearchFigures[]): string[] {
  return figures.map((f) => {
    const ratio = f.search.p50Ms / f.baseline.p50Ms;
    return (
      `[search/${f.metastore}/${f.size}] ${f.tables} tables, ${f.documents} documents indexed in ${fmt(f.indexMs / 1000, 1)} s; ` +
      `${f.searches} searches p50 ${fmt(f.search.p50Ms, 2)} ms, p95 ${fmt(f.search.p95Ms, 2)} ms, p99 ${fmt(f.search.p99Ms, 2)} ms` +
      `   | LIKE scan p50 ${fmt(f.baseline.p50Ms, 2)} ms, p99 ${fmt(f.baseline.p99Ms, 2)} ms   (x${fmt(ratio, 2)}; aim search p95 ≤ 50 ms)`
    );
  });
}

/** Every search figure: real data and generated size, SQLite and (when set) PostgreSQL. */
export async function benchAllSearch(): Promise<SearchFigures[]> {
  const generated = Number(process.env.LAKEWARD_BENCH_SEARCH_TABLES ?? 10_000);
  const postgres = process.env.LAKEWARD_TEST_POSTGRES_URL;
  const figures: SearchFigures[] = [];
  for (const target of postgres === undefined ? [undefined] : [undefined, postgres]) {
    figures.push(await benchSearch('real data', realDataTables(), target));
    figures.push(await benchSearch(`${generated} tables`, generatedTables(generated), target));
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await benchAllSearch();
  process.stdout.write(`${searchReport(figures).join('\n')}\n`);
}
