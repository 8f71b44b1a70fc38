import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { NotFound } from '../../src/errors/index.js';
import type { Schema } from '../../src/iceberg/index.js';
import type { ResolvedTable, TableReference, TableResolver } from '../../src/engine/index.js';

/** What the caller may see of a table, as governance would decide it. */
export interface TablePolicy {
  columns?: string[];
  masks?: Record<string, string>;
  rowFilter?: string;
}

interface FixtureSnapshot {
  id: bigint;
  timestampMs: number;
  files: string[];
}

interface FixtureTable {
  schema: Schema;
  snapshots: FixtureSnapshot[];
}

export const oldSnapshotId = 1234567890123456789n;
export const currentSnapshotId = 2000000000000000002n;

const invoicesSchema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'invoice_id', required: true, type: 'long' },
    { id: 2, name: 'customer', required: false, type: 'string' },
    { id: 3, name: 'amount', required: false, type: 'decimal(10, 2)' },
    { id: 4, name: 'region', required: false, type: 'string' },
    { id: 5, name: 'ssn', required: false, type: 'string' },
    { id: 6, name: 'issued', required: false, type: 'date' },
  ],
};

const customersSchema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'customer', required: true, type: 'string' },
    { id: 2, name: 'segment', required: false, type: 'string' },
  ],
};

/**
 * Two small Iceberg-like tables as Parquet files with field ids in a temp folder:
 * bronze.retail.invoices (an old and a current snapshot) and silver.crm.customers.
 */
export class FixtureCatalog {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-query-'));
  readonly tables = new Map<string, FixtureTable>();

  static async create(): Promise<FixtureCatalog> {
    const catalog = new FixtureCatalog();
    await catalog.writeFiles();
    return catalog;
  }

  private async writeFiles(): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const invoiceIds =
      'FIELD_IDS {invoice_id: 1, customer: 2, amount: 3, region: 4, ssn: 5, issued: 6}';
    const first = path.join(this.dir, 'invoices', 'data', 'part-1.parquet');
    const second = path.join(this.dir, 'invoices', 'data', 'part-2.parquet');
    const customers = path.join(this.dir, 'customers', 'data', 'part-1.parquet');
    for (const file of [first, customers]) fs.mkdirSync(path.dirname(file), { recursive: true });
    await db.run(`COPY (SELECT * FROM (VALUES
        (1::BIGINT, 'alice', 10.50::DECIMAL(10,2), 'US', '111-11-1111', DATE '2026-01-01'),
        (2, 'bob', 20.00, 'EU', '222-22-2222', DATE '2026-01-01'),
        (3, 'carol', 30.25, 'US', '333-33-3333', DATE '2026-01-01')
      ) t(invoice_id, customer, amount, region, ssn, issued))
      TO '${first}' (FORMAT PARQUET, ${invoiceIds})`);
    await db.run(`COPY (SELECT * FROM (VALUES
        (4::BIGINT, 'alice', 40.00::DECIMAL(10,2), 'EU', '111-11-1111', DATE '2026-01-02'),
        (5, 'dave', NULL, 'US', NULL, DATE '2026-01-02')
      ) t(invoice_id, customer, amount, region, ssn, issued))
      TO '${second}' (FORMAT PARQUET, ${invoiceIds})`);
    await db.run(`COPY (SELECT * FROM (VALUES ('alice', 'gold'), ('bob', 'silver'), ('carol', 'gold'))
        t(customer, segment)) TO '${customers}' (FORMAT PARQUET, FIELD_IDS {customer: 1, segment: 2})`);
    db.closeSync();
    instance.closeSync();
    this.tables.set('bronze.retail.invoices', {
      schema: invoicesSchema,
      snapshots: [
        { id: oldSnapshotId, timestampMs: Date.parse('2026-01-01T00:00:00Z'), files: [first] },
        {
          id: currentSnapshotId,
          timestampMs: Date.parse('2026-01-02T00:00:00Z'),
          files: [first, second],
        },
      ],
    });
    this.tables.set('silver.crm.customers', {
      schema: customersSchema,
      snapshots: [{ id: 7n, timestampMs: Date.parse('2026-01-01T00:00:00Z'), files: [customers] }],
    });
    this.tables.set('gold.crm.empty', {
      schema: customersSchema,
      snapshots: [{ id: 8n, timestampMs: Date.parse('2026-01-01T00:00:00Z'), files: [] }],
    });
  }

  /**
   * A resolver that applies the given policies and records what it was asked to
   * resolve; with `describing`, it can also describe a table without its files.
   */
  resolver(
    policies: Record<string, TablePolicy> = {},
    describing = false,
  ): TableResolver & { asked: TableReference[] } {
    const asked: TableReference[] = [];
    const resolver: TableResolver & { asked: TableReference[] } = {
      asked,
      resolve: (ref) => {
        asked.push(ref);
        return Promise.resolve(this.resolve(ref, policies));
      },
    };
    if (describing) {
      resolver.describe = (ref) => {
        const { name, schema, columns, masks } = this.resolve(ref, policies);
        return Promise.resolve({ name, schema, columns, masks });
      };
    }
    return resolver;
  }

  private resolve(ref: TableReference, policies: Record<string, TablePolicy>): ResolvedTable {
    const name = ref.parts.join('.').toLowerCase();
    const table = this.tables.get(name);
    if (!table) {
      throw new NotFound('TABLE_NOT_FOUND', `Table ${ref.parts.join('.')} does not exist.`, {
        hint: 'List tables with lakeward catalog tables.',
      });
    }
    const snapshot = pickSnapshot(table.snapshots, ref);
    return {
      name,
      schema: table.schema,
      dataFiles: snapshot.files,
      snapshotId: snapshot.id,
      ...policies[name],
    };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function pickSnapshot(snapshots: FixtureSnapshot[], ref: TableReference): FixtureSnapshot {
  const at = ref.at;
  const found =
    at === undefined
      ? snapshots.at(-1)
      : at.kind === 'snapshot'
        ? snapshots.find((s) => s.id === at.snapshotId)
        : snapshots.filter((s) => s.timestampMs <= at.timestampMs).at(-1);
  if (!found) throw new NotFound('SNAPSHOT_NOT_FOUND', 'No such snapshot.');
  return found;
}
