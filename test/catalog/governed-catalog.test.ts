import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { failure } from '../failure.js';
import { governedHome, type GovernedHome } from './governed-home.js';

const invoices: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };
const salaries: TableIdent = { namespace: ['bronze', 'hr'], name: 'salaries' };
const table = (ident: TableIdent) => ({
  kind: 'table' as const,
  path: [...ident.namespace, ident.name],
});

describe('GovernedCatalog', () => {
  let home: GovernedHome;
  let alice: Caller;

  beforeAll(async () => {
    home = await governedHome();
    const { governed } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'retail']);
    await governed.createNamespace(home.admin, ['bronze', 'hr']);
    await governed.createTable(home.admin, invoices, {
      columns: [
        { name: 'invoice_no', type: 'string' },
        { name: 'customer_id', type: 'long' },
        { name: 'amount', type: 'double' },
        { name: 'region', type: 'string' },
      ],
      partitionBy: [{ source: 'customer_id', transform: 'bucket[4]' }],
    });
    await governed.createTable(home.admin, salaries, {
      columns: [
        { name: 'name', type: 'string' },
        { name: 'salary', type: 'double' },
      ],
    });
    alice = await home.user('alice');
  });

  afterAll(async () => {
    await home?.close();
  });

  it('the admin creates, and the creator owns what it created', async () => {
    const described = await home.services.governed.describeTable(home.admin, invoices);
    expect(described.owner).toBe('admin');
    expect(described.columns.map((c) => c.name)).toEqual([
      'invoice_no',
      'customer_id',
      'amount',
      'region',
    ]);
  });

  it('a table the caller may not describe fails exactly as a missing one, and is audited as a deny', async () => {
    const { governed } = home.services;
    const hidden = await failure(governed.describeTable(alice, salaries));
    const missing = await failure(
      governed.describeTable(alice, { namespace: ['bronze', 'hr'], name: 'nope' }),
    );
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    expect(hidden.message).toBe(missing.message.replace('nope', 'salaries'));
    expect(hidden.hint).toBe(missing.hint);
    const events = await home.events('alice', 'table.describe');
    expect(events.map((e) => [e.resource, e.decision, e.reason])).toEqual([
      ['table:bronze.hr.salaries', 'deny', 'TABLE_NOT_FOUND'],
      ['table:bronze.hr.nope', 'deny', 'TABLE_NOT_FOUND'],
    ]);
    expect(events[0]!.requestId).toBe('test-alice');
  });

  it('listings show only what the caller may describe; a hidden namespace lists as missing', async () => {
    const { governed } = home.services;
    const hidden = await failure(governed.listTables(alice, ['bronze', 'retail']));
    const missing = await failure(governed.listTables(alice, ['bronze', 'nope']));
    expect([hidden.code, missing.code]).toEqual(['NAMESPACE_NOT_FOUND', 'NAMESPACE_NOT_FOUND']);
    expect(hidden.message).toBe(missing.message.replace('nope', 'retail'));
    await home.grant(['SELECT'], table(invoices), alice);
    const tables = await governed.listTables(alice, ['bronze', 'retail']);
    expect(tables.map((t) => t.name)).toEqual(['invoices']);
    const admins = await governed.listTables(home.admin, ['bronze', 'retail']);
    expect(admins.map((t) => t.name)).toEqual(['invoices']);
    const namespaces = await governed.listNamespaces(alice, ['bronze']);
    expect(namespaces.map((n) => n.path.join('.'))).toEqual(['bronze.retail']);
    expect((await governed.listNamespaces(home.admin, ['bronze'])).length).toBe(2);
  });

  it('DESCRIBE alone shows every column but allows no change', async () => {
    const { governed } = home.services;
    await home.grant(['DESCRIBE'], table(salaries), alice);
    const described = await governed.describeTable(alice, salaries);
    expect(described.columns.map((c) => c.name)).toEqual(['name', 'salary']);
    const denied = await failure(governed.dropTable(alice, salaries));
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('DROP');
    expect(await home.services.catalog.tableExists(salaries)).toBe(true);
    const refused = await failure(governed.updateTable(alice, salaries, { description: 'pay' }));
    expect(refused.code).toBe('PERMISSION_DENIED');
    const [drop] = await home.events('alice', 'table.drop');
    expect(drop).toMatchObject({ decision: 'deny', reason: 'PERMISSION_DENIED' });
  });

  it('describe hides the columns a data filter leaves out, with the partitioning on them', async () => {
    const { governed, policies } = home.services;
    const bob = await home.user('bob');
    await policies.createDataFilter(home.admin, {
      name: 'us_amounts',
      table: table(invoices).path,
      rowPredicate: "region = 'US'",
      includeColumns: ['invoice_no', 'amount', 'region'],
      grantees: [{ kind: 'principal', name: 'bob' }],
    });
    const described = await governed.describeTable(bob, invoices);
    expect(described.columns.map((c) => c.name)).toEqual(['invoice_no', 'amount', 'region']);
    expect(described.partitionSpec).toEqual([]);
    const full = await governed.describeTable(home.admin, invoices);
    expect(full.partitionSpec.map((p) => p.sourceColumn)).toEqual(['customer_id']);
  });

  it('creating needs CREATE_TABLE; the creator owns the table, and its grants follow a rename and go with a drop', async () => {
    const { governed, policies } = home.services;
    const ident: TableIdent = { namespace: ['bronze', 'retail'], name: 'returns' };
    const input = { columns: [{ name: 'id', type: 'long' as const }] };
    expect((await failure(governed.createTable(alice, ident, input))).code).toBe(
      'PERMISSION_DENIED',
    );
    await home.grant(['CREATE_TABLE'], { kind: 'namespace', path: ['bronze', 'retail'] }, alice);
    const created = await governed.createTable(alice, ident, input);
    expect(created.owner).toBe('alice');

    const renamed: TableIdent = { namespace: ['bronze', 'retail'], name: 'refunds' };
    await governed.renameTable(alice, ident, renamed);
    expect((await governed.describeTable(alice, renamed)).name).toBe('refunds');
    const owners = await policies.listGrants(home.admin, { securable: table(renamed) });
    expect(owners.map((g) => [g.privilege, g.grantee.name])).toEqual([['OWNER', 'alice']]);

    await governed.dropTable(alice, renamed);
    const left = await home.services.metastore.grants.list();
    expect(left.filter((g) => g.securable.path.join('.').startsWith('bronze.retail.re'))).toEqual(
      [],
    );
    const actions = (await home.events('alice')).map((e) => `${e.action} ${e.decision}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'table.create deny',
        'table.create allow',
        'table.rename allow',
        'table.drop allow',
      ]),
    );
  });

  it('a namespace needs CREATE_NAMESPACE where it is created; missing parents become the creator’s too', async () => {
    const { governed } = home.services;
    const carol = await home.user('carol');
    const path = ['silver', 'sales', 'eu'];
    expect((await failure(governed.createNamespace(carol, path))).code).toBe('PERMISSION_DENIED');
    await home.grant(['CREATE_NAMESPACE'], { kind: 'namespace', path: ['silver'] }, carol);
    const created = await governed.createNamespace(carol, path);
    expect(created.owner).toBe('carol');
    expect((await governed.describeNamespace(carol, ['silver', 'sales'])).owner).toBe('carol');
    await governed.dropNamespace(carol, ['silver', 'sales'], { cascade: true });
    expect(await governed.listNamespaces(home.admin, ['silver'])).toEqual([]);
  });

  it('row changes need MODIFY and snapshots need DESCRIBE', async () => {
    const { governed } = home.services;
    const dave = await home.user('dave');
    await home.append(
      invoices,
      `SELECT * FROM (VALUES ('A1', 1, 10.0, 'US'), ('A2', 2, 5.0, 'EU'))
      t(invoice_no, customer_id, amount, region)`,
    );
    expect((await failure(governed.snapshots(dave, invoices))).code).toBe('TABLE_NOT_FOUND');
    await home.grant(['SELECT'], table(invoices), dave);
    expect(await governed.snapshots(dave, invoices)).toHaveLength(1);
    const denied = await failure(governed.deleteRows(dave, invoices, "region = 'EU'"));
    expect(denied.code).toBe('PERMISSION_DENIED');
    await home.grant(['MODIFY'], table(invoices), dave);
    const deleted = await governed.deleteRows(dave, invoices, "region = 'EU'");
    expect(deleted.deletedRows).toBe(1);
    const [event] = (await home.events('dave', 'table.delete_rows')).filter(
      (e) => e.decision === 'allow',
    );
    expect(event).toMatchObject({
      resource: 'table:bronze.retail.invoices',
      snapshots: [{ table: 'bronze.retail.invoices', snapshotId: deleted.snapshotId }],
    });
  });
});
