import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
});

afterAll(async () => {
  await server?.close();
});

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: server.auth,
    ...(payload ? { payload } : {}),
  });
}

describe('namespaces', () => {
  it('lists the layers init created', async () => {
    const response = await call('GET', '/namespaces');
    expect(response.statusCode).toBe(200);
    const names = (response.json() as { namespaces: { name: string }[] }).namespaces.map(
      (n) => n.name,
    );
    expect(names).toEqual(expect.arrayContaining(['bronze', 'silver', 'gold']));
  });

  it('creates, lists under a parent, describes, updates, renames and drops a namespace', async () => {
    const created = await call('POST', '/namespaces', {
      name: 'bronze.crm',
      description: 'CRM exports',
      properties: { owner_team: 'sales' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'bronze.crm', description: 'CRM exports' });

    const children = await call('GET', '/namespaces?parent=bronze');
    expect(children.json().namespaces.map((n: { name: string }) => n.name)).toContain('bronze.crm');

    expectErrorJson(
      await call('POST', '/namespaces', { name: 'bronze.crm' }),
      409,
      'NAMESPACE_ALREADY_EXISTS',
    );

    const described = await call('GET', '/namespaces/bronze.crm');
    expect(described.statusCode).toBe(200);
    expect(described.json()).toMatchObject({
      name: 'bronze.crm',
      path: ['bronze', 'crm'],
      properties: { owner_team: 'sales' },
    });

    const patched = await call('PATCH', '/namespaces/bronze.crm', {
      setProperties: { refresh: 'daily' },
      removeProperties: ['owner_team'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().properties).toEqual({ refresh: 'daily' });

    const renamed = await call('POST', '/namespaces/bronze.crm/rename', {
      newName: 'bronze.sales',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('bronze.sales');
    expect((await call('GET', '/namespaces/bronze.sales/tables')).json()).toEqual({ tables: [] });

    expect((await call('DELETE', '/namespaces/bronze.sales')).statusCode).toBe(204);
    expectErrorJson(await call('GET', '/namespaces/bronze.sales'), 404, 'NAMESPACE_NOT_FOUND');
  });

  it('refuses bad names with a hint', async () => {
    const bad = expectErrorJson(
      await call('POST', '/namespaces', { name: 'Bronze!' }),
      400,
      'INVALID_NAME',
    );
    expect(bad.hint).toContain('bronze.retail');
    expectErrorJson(await call('GET', '/namespaces/platinum.x'), 400, 'UNKNOWN_LAYER');
  });
});

describe('tables', () => {
  it('creates a table, describes, evolves, renames, lists snapshots and drops it', async () => {
    await call('POST', '/namespaces', { name: 'silver.sales' });
    const created = await call('POST', '/tables', {
      name: 'silver.sales.orders',
      columns: [
        { name: 'id', type: 'bigint', required: true },
        { name: 'amount', type: 'decimal(10, 2)' },
        {
          name: 'tags',
          type: { type: 'list', 'element-id': 9, element: 'string', 'element-required': false },
        },
      ],
      description: 'Orders',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      fullName: 'silver.sales.orders',
      layer: 'silver',
      description: 'Orders',
      columns: [
        { name: 'id', type: 'long', required: true },
        { name: 'amount', type: 'decimal(10, 2)' },
        { name: 'tags', type: 'list<string>' },
      ],
      recordCount: 0,
    });

    const described = await call('GET', '/tables/silver.sales.orders');
    expect(described.statusCode).toBe(200);
    expect(described.json()).toMatchObject({
      fullName: 'silver.sales.orders',
      snapshotCount: 0,
      partitionSpec: [],
    });

    const patched = await call('PATCH', '/tables/silver.sales.orders', {
      setProperties: { business_domain: 'sales' },
    });
    expect(patched.json().properties).toMatchObject({ business_domain: 'sales' });

    const evolved = await call('POST', '/tables/silver.sales.orders/schema', {
      changes: [
        { kind: 'add', name: 'note', type: 'string' },
        { kind: 'rename', name: 'amount', newName: 'total' },
      ],
    });
    expect(evolved.statusCode).toBe(200);
    expect(evolved.json().columns.map((c: { name: string }) => c.name)).toEqual([
      'id',
      'total',
      'tags',
      'note',
    ]);

    const renamed = await call('POST', '/tables/silver.sales.orders/rename', {
      newName: 'silver.sales.order_lines',
    });
    expect(renamed.json().fullName).toBe('silver.sales.order_lines');
    const listed = await call('GET', '/namespaces/silver.sales/tables');
    expect(listed.json().tables).toEqual([
      {
        fullName: 'silver.sales.order_lines',
        namespace: ['silver', 'sales'],
        name: 'order_lines',
        kind: 'iceberg',
      },
    ]);
    expect((await call('GET', '/tables/silver.sales.order_lines/snapshots')).json()).toEqual({
      snapshots: [],
    });
    expect((await call('DELETE', '/tables/silver.sales.order_lines')).statusCode).toBe(204);
    expectErrorJson(await call('GET', '/tables/silver.sales.order_lines'), 404, 'TABLE_NOT_FOUND');
  });

  it('refuses bad input with the right status', async () => {
    expectErrorJson(
      await call('POST', '/tables', {
        name: 'silver.sales.t',
        columns: [{ name: 'a', type: 'wat' }],
      }),
      400,
      'INVALID_TYPE',
    );
    expectErrorJson(await call('GET', '/tables/bronze.retail'), 400, 'INVALID_NAME');
    expectErrorJson(await call('GET', '/tables/platinum.a.b'), 400, 'UNKNOWN_LAYER');
    expectErrorJson(
      await call('POST', '/tables/bronze.nope.t/rollback', { snapshotId: 'abc' }),
      400,
      'INVALID_REQUEST',
    );
    expectErrorJson(
      await call('POST', '/tables/bronze.nope.t/schema', {
        changes: [{ kind: 'explode', name: 'x' }],
      }),
      400,
      'INVALID_REQUEST',
    );
  });
});

describe('as a user who is not an admin', () => {
  it('sees only what it may describe, gets 404 for a hidden table and 403 for a visible one it may not change', async () => {
    const { services } = server;
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    await call('POST', '/namespaces', { name: 'bronze.hr' });
    for (const name of ['bronze.hr.salaries', 'bronze.hr.teams']) {
      await call('POST', '/tables', { name, columns: [{ name: 'id', type: 'long' }] });
    }
    const user = await services.directory.createPrincipal(admin, { name: 'hugo', kind: 'user' });
    const { token } = await services.auth.issueToken(user.id, 'test');
    await services.policies.grant(admin, {
      privileges: ['DESCRIBE'],
      securable: { kind: 'table', path: ['bronze', 'hr', 'teams'] },
      grantee: { kind: 'principal', name: 'hugo' },
    });
    const as = (method: 'GET' | 'DELETE', url: string) =>
      server.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${token}`, 'user-agent': 'routes-test' },
      });

    const listed = await as('GET', '/namespaces/bronze.hr/tables');
    expect(listed.json().tables.map((t: { name: string }) => t.name)).toEqual(['teams']);
    expectErrorJson(await as('GET', '/tables/bronze.hr.salaries'), 404, 'TABLE_NOT_FOUND');
    expect((await as('GET', '/tables/bronze.hr.teams')).statusCode).toBe(200);
    expectErrorJson(await as('DELETE', '/tables/bronze.hr.teams'), 403, 'PERMISSION_DENIED');

    const events = await services.audit.query(admin, { principal: 'hugo', action: 'table.drop' });
    expect(events.at(-1)).toMatchObject({
      decision: 'deny',
      resource: 'table:bronze.hr.teams',
      channel: 'api',
      userAgent: 'routes-test',
      sourceAddress: '127.0.0.1',
    });
    expect(events.at(-1)!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
