// The catalogs the search benchmark indexes: the real data sets' tables as a team would
// register them, and a generated catalog of any size with the same kind of text.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  CatalogService,
  NamespaceDescription,
  TableDescription,
} from '../src/catalog/index.js';
import { NotFound } from '../src/errors/index.js';

const DATA = resolve('../shared/data');
const AT = '2026-01-01T00:00:00.000Z';

export interface BenchTable {
  path: string[];
  description: string;
  columns: { name: string; doc?: string }[];
  properties?: Record<string, string>;
  kind?: 'iceberg' | 'external';
}

/** A catalog held in memory, answering what the search indexer asks of the real one. */
export class BenchCatalog implements Pick<
  CatalogService,
  'listNamespaces' | 'listTables' | 'describeNamespace' | 'describeTable'
> {
  readonly #tables = new Map<string, BenchTable>();
  readonly #namespaces = new Map<string, string[]>();

  constructor(readonly tables: BenchTable[]) {
    for (const t of tables) {
      this.#tables.set(t.path.join('.'), t);
      for (let depth = 1; depth < t.path.length; depth++) {
        const ns = t.path.slice(0, depth);
        this.#namespaces.set(ns.join('.'), ns);
      }
    }
  }

  async listNamespaces(parent: string[] = []): Promise<NamespaceDescription[]> {
    return [...this.#namespaces.values()]
      .filter((p) => p.length === parent.length + 1 && parent.every((l, i) => p[i] === l))
      .map((p) => this.#namespace(p));
  }

  async describeNamespace(path: string[]): Promise<NamespaceDescription> {
    if (!this.#namespaces.has(path.join('.'))) throw new NotFound('NAMESPACE_NOT_FOUND', 'gone');
    return this.#namespace(path);
  }

  async listTables(
    namespace: string[],
  ): Promise<{ namespace: string[]; name: string; kind: string }[]> {
    return this.tables
      .filter(
        (t) => t.path.length === namespace.length + 1 && namespace.every((l, i) => t.path[i] === l),
      )
      .map((t) => ({
        namespace: t.path.slice(0, -1),
        name: t.path.at(-1)!,
        kind: t.kind ?? 'iceberg',
      }));
  }

  async describeTable(ident: { namespace: string[]; name: string }): Promise<TableDescription> {
    const t = this.#tables.get([...ident.namespace, ident.name].join('.'));
    if (t === undefined) throw new NotFound('TABLE_NOT_FOUND', 'gone');
    return {
      name: ident.name,
      namespace: ident.namespace,
      layer: ident.namespace[0] as TableDescription['layer'],
      kind: t.kind ?? 'iceberg',
      location: t.path.join('/'),
      metadataLocation: null,
      description: t.description,
      owner: 'data_engineering',
      properties: t.properties ?? {},
      columns: t.columns.map((c, i) => ({
        id: i + 1,
        name: c.name,
        type: 'string',
        required: false,
        doc: c.doc ?? null,
      })),
      partitionSpec: [],
      sortOrder: [],
      currentSnapshotId: null,
      snapshotCount: 0,
      recordCount: 0,
      fileCount: 0,
      sizeBytes: 0,
      createdAt: AT,
      updatedAt: AT,
    };
  }

  #namespace(path: string[]): NamespaceDescription {
    return {
      path,
      description: null,
      owner: 'data_engineering',
      properties: {},
      createdAt: AT,
      updatedAt: AT,
    };
  }
}

function csvHeader(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n', 1)[0]!.trim().split(',');
}

/** The real data sets as a team registers them: Chinook, retail and flights, and what is built on them. */
export function realDataTables(): BenchTable[] {
  const chinook = new Database(resolve(DATA, 'chinook/Chinook_Sqlite.sqlite'), { readonly: true });
  const names = chinook
    .prepare("select name from sqlite_master where type = 'table' order by name")
    .all() as { name: string }[];
  const tables: BenchTable[] = names.map(({ name }) => ({
    path: ['bronze', 'chinook', name.toLowerCase()],
    description: `${name} of the Chinook music store, copied from its operational database`,
    columns: (chinook.prepare(`pragma table_info("${name}")`).all() as { name: string }[]).map(
      (c) => ({ name: c.name }),
    ),
    properties: { source_system: 'chinook', ingest_type: 'batch', file_format: 'postgres' },
  }));
  chinook.close();
  const retail = csvHeader(resolve(DATA, 'retail/by-day/2010-12-01.csv')).map((name) => ({ name }));
  const flights = csvHeader(resolve(DATA, 'flights/csv/2010-summary.csv')).map((name) => ({
    name,
  }));
  tables.push(
    {
      path: ['bronze', 'retail', 'invoices'],
      description: 'UCI Online Retail invoice lines of a UK online shop, one CSV per day',
      columns: retail,
      properties: { source_system: 'pos', file_format: 'csv' },
    },
    ...['csv', 'json', 'parquet'].map((format) => ({
      path: ['bronze', 'flights', `summary_${format}`],
      description: `US domestic flight counts by origin and destination country (${format})`,
      columns: flights,
      kind: 'external' as const,
      properties: { file_format: format, classification: format },
    })),
    {
      path: ['silver', 'retail', 'invoices_clean'],
      description: 'Invoice lines without cancellations or missing customers, ids cast',
      columns: retail,
    },
    {
      path: ['gold', 'revenue', 'revenue_by_country'],
      description: 'Revenue per country and month',
      columns: [{ name: 'country' }, { name: 'month' }, { name: 'revenue' }],
    },
    {
      path: ['gold', 'customer_ltv', 'customer_ltv'],
      description: 'Customer lifetime value from the retail invoices',
      columns: [{ name: 'CustomerID' }, { name: 'ltv', doc: 'Lifetime value in GBP' }],
    },
  );
  return tables;
}

const SUBJECTS = [
  'customer',
  'order',
  'invoice',
  'product',
  'store',
  'campaign',
  'ticket',
  'shipment',
  'payment',
  'account',
  'session',
  'employee',
  'supplier',
  'inventory',
  'flight',
  'track',
  'refund',
  'subscription',
  'device',
  'claim',
];
const MEASURES = [
  'revenue',
  'ltv',
  'churn',
  'daily',
  'monthly',
  'events',
  'snapshot',
  'summary',
  'scores',
  'counts',
  'margin',
  'forecast',
  'history',
  'latest',
  'raw',
  'clean',
  'features',
  'quality',
];
const COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'amount',
  'currency',
  'country',
  'region',
  'status',
  'email',
  'phone',
  'name',
  'category',
  'quantity',
  'price',
  'discount',
  'channel',
  'score',
  'segment',
  'source',
  'batch_id',
];

/** count tables over 3 layers and 40 domains, named and described as real ones are. */
export function generatedTables(count: number): BenchTable[] {
  const tables: BenchTable[] = [];
  const layers = ['bronze', 'silver', 'gold'];
  for (let i = 0; i < count; i++) {
    const subject = SUBJECTS[i % SUBJECTS.length]!;
    const measure = MEASURES[Math.floor(i / SUBJECTS.length) % MEASURES.length]!;
    const other = SUBJECTS[(i * 7 + 3) % SUBJECTS.length]!;
    const round = Math.floor(i / (SUBJECTS.length * MEASURES.length));
    const columns = Array.from({ length: 8 + (i % 8) }, (_, j) => ({
      name: j === 0 ? `${subject}_id` : COLUMNS[(i + j * 3) % COLUMNS.length]!,
      ...(j === 1 ? { doc: `When the ${subject} was recorded` } : {}),
    }));
    tables.push({
      path: [
        layers[i % 3]!,
        `domain_${i % 40}`,
        `${subject}_${measure}${round === 0 ? '' : `_${round}`}`,
      ],
      description: `The ${measure} of each ${subject}, joined with ${other} data from system ${i % 17}`,
      columns: [...new Map(columns.map((c) => [c.name, c])).values()],
      properties: { source_system: `system_${i % 17}`, business_domain: `domain_${i % 40}` },
    });
  }
  return tables;
}

/** What users type: names, two words, typos, prefixes. */
export const BENCH_QUERIES = [
  'customer revenue',
  'customer_ltv',
  'custmer revnue',
  'invoice',
  'churn scores',
  'track composer',
  'monthly',
  'payment refund',
  'flight',
  'prodct margin',
  'employee',
  'inventory snapshot',
  'campaign',
  'ticket quality',
  'session events',
  'supplier',
  'device forecast',
  'claim',
  'order history',
  'subscription churn',
];
