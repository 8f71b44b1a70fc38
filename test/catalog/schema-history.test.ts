import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaVersion, TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { failure } from '../failure.js';
import { governedHome, type GovernedHome } from './governed-home.js';

const orders: TableIdent = { namespace: ['silver', 'sales'], name: 'orders' };
const ORDERS = { kind: 'table' as const, path: ['silver', 'sales', 'orders'] };

describe('schema history', () => {
  let home: GovernedHome;
  let history: SchemaVersion[];
  let snapshotIds: string[];

  beforeAll(async () => {
    home = await governedHome();
    const { governed } = home.services;
    const admin = home.admin;
    await governed.createNamespace(admin, ['silver', 'sales']);
    await governed.createTable(admin, orders, {
      columns: [
        { name: 'id', type: 'int', required: true },
        { name: 'amount', type: 'float' },
        { name: 'price', type: 'decimal(9, 2)' },
        { name: 'note', type: 'string' },
        {
          name: 'ship_to',
          type: {
            type: 'struct',
            fields: [{ id: 1, name: 'city', type: 'string', required: false }],
          },
        },
      ],
    });
    await home.append(
      orders,
      `SELECT 1 AS id, 1.5::FLOAT AS amount, 2.50 AS price, 'a' AS note, {'city': 'Oslo'} AS ship_to`,
    );
    // v1: a column added; a snapshot is written with it.
    await governed.evolveSchema(admin, orders, [{ kind: 'add', name: 'channel', type: 'string' }]);
    await home.append(
      orders,
      `SELECT 2 AS id, 2.5::FLOAT AS amount, 3.50 AS price, 'b' AS note, {'city': 'Bergen'} AS ship_to, 'web' AS channel`,
    );
    // v2: a rename (top-level and nested) and widenings, never used by a snapshot.
    await governed.evolveSchema(admin, orders, [
      { kind: 'rename', name: 'amount', newName: 'quantity' },
      { kind: 'rename', name: 'ship_to.city', newName: 'town' },
      { kind: 'widen', name: 'id', type: 'long' },
      { kind: 'widen', name: 'quantity', type: 'double' },
      { kind: 'widen', name: 'price', type: 'decimal(12, 2)' },
    ]);
    // v3: a drop, a nested add, nullability and doc.
    await governed.evolveSchema(admin, orders, [
      { kind: 'drop', name: 'note' },
      { kind: 'add', name: 'zip', parent: 'ship_to', type: 'string' },
      { kind: 'makeOptional', name: 'id' },
      { kind: 'doc', name: 'price', doc: 'Unit price in EUR' },
    ]);
    history = await governed.schemaHistory(admin, orders);
    snapshotIds = (await governed.snapshots(admin, orders)).map((s) => s.snapshotId).reverse();
  });

  afterAll(async () => {
    await home?.close();
  });

  it('lists every version, oldest first, with the snapshot that introduced it and its time', () => {
    expect(history.map((v) => v.schemaId)).toEqual([0, 1, 2, 3]);
    expect(history.map((v) => v.isCurrent)).toEqual([false, false, false, true]);
    expect(history[0]!.snapshot?.snapshotId).toBe(snapshotIds[0]);
    expect(history[1]!.snapshot?.snapshotId).toBe(snapshotIds[1]);
    expect(history[2]!.snapshot).toBeNull();
    expect(history[3]!.snapshot).toBeNull();
    const times = history.map((v) => Date.parse(v.addedAt));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    // Each version's time is when it entered the metadata, read from the metadata log.
    expect(times[0]).toBeLessThan(times[1]!);
    expect(times[2]).toBeLessThan(times[3]!);
    expect(times[1]).toBeGreaterThan(Date.parse(history[0]!.snapshot!.timestamp));
    // A version appears before the snapshot written with it.
    expect(times[1]).toBeLessThanOrEqual(Date.parse(history[1]!.snapshot!.timestamp));
    expect(history[0]!.changes).toBeNull();
    expect(history[3]!.columns.map((c) => c.name)).toEqual([
      'id',
      'quantity',
      'price',
      'ship_to',
      'channel',
    ]);
  });

  it('says what each version changed: added, renamed, widened, dropped, nullability, doc', () => {
    expect(history[1]!.changes).toMatchObject({
      added: [{ name: 'channel', type: 'string', required: false }],
      dropped: [],
      renamed: [],
    });
    const v2 = history[2]!.changes!;
    expect(v2.renamed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'amount', to: 'quantity' }),
        expect.objectContaining({ from: 'ship_to.city', to: 'ship_to.town' }),
      ]),
    );
    expect(v2.renamed).toHaveLength(2);
    expect(v2.widened.map((w) => [w.name, w.from, w.to])).toEqual([
      ['id', 'int', 'long'],
      ['quantity', 'float', 'double'],
      ['price', 'decimal(9, 2)', 'decimal(12, 2)'],
    ]);
    expect(v2.added).toEqual([]);
    const v3 = history[3]!.changes!;
    expect(v3.dropped.map((f) => f.name)).toEqual(['note']);
    expect(v3.added.map((f) => f.name)).toEqual(['ship_to.zip']);
    expect(v3.nullability).toEqual([
      expect.objectContaining({ name: 'id', from: 'required', to: 'optional' }),
    ]);
    expect(v3.doc).toEqual([
      expect.objectContaining({ name: 'price', from: null, to: 'Unit price in EUR' }),
    ]);
  });

  it('diffs any two versions by field id, across several changes', async () => {
    const diff = await home.services.governed.schemaDiff(home.admin, orders, 0, 3);
    expect(diff.added.map((f) => f.name).sort()).toEqual(['channel', 'ship_to.zip']);
    expect(diff.dropped.map((f) => f.name)).toEqual(['note']);
    expect(diff.renamed.map((r) => `${r.from}->${r.to}`).sort()).toEqual([
      'amount->quantity',
      'ship_to.city->ship_to.town',
    ]);
    expect(diff.widened.map((w) => w.name)).toEqual(['id', 'quantity', 'price']);
    const back = await home.services.governed.schemaDiff(home.admin, orders, 3, 0);
    expect(back.dropped.map((f) => f.name).sort()).toEqual(['channel', 'ship_to.zip']);
    expect(back.added.map((f) => f.name)).toEqual(['note']);
  });

  it('refuses an unknown version, naming the ones that exist', async () => {
    const err = await failure(home.services.governed.schemaDiff(home.admin, orders, 0, 7));
    expect(err.code).toBe('SCHEMA_VERSION_NOT_FOUND');
    expect(err.message).toContain('0, 1, 2, 3');
  });

  it('says plainly that an external table has no history', async () => {
    await home.services.metastore.tables.create({
      namespace: ['silver', 'sales'],
      name: 'raw_orders',
      kind: 'external',
      metadataLocation: null,
      location: 'silver/sales/raw_orders',
    });
    const raw = { namespace: ['silver', 'sales'], name: 'raw_orders' };
    const err = await failure(home.services.governed.schemaHistory(home.admin, raw));
    expect(err.code).toBe('NOT_AN_ICEBERG_TABLE');
    expect(err.message).toContain('external table');
    expect(err.message).toContain('no Iceberg schema history');
  });

  it('needs DESCRIBE on the table, hides it like a missing one, and is audited', async () => {
    const eve: Caller = await home.user('eve');
    const hidden = await failure(home.services.governed.schemaHistory(eve, orders));
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    const [event] = await home.events('eve', 'table.schema_history');
    expect(event).toMatchObject({ decision: 'deny', resource: 'table:silver.sales.orders' });
    await home.grant(['USAGE'], { kind: 'namespace', path: ['silver', 'sales'] }, eve);
    await home.grant(['DESCRIBE'], ORDERS, eve);
    const seen = await home.services.governed.schemaHistory(eve, orders);
    expect(seen).toHaveLength(4);
  });
});
