import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let server: TempServer;
let aliceToken: string;

const TABLE = 'bronze.crm.customers';

function call(method: Method, url: string, payload?: object, token = server.token) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}
const asAlice = (method: Method, url: string, payload?: object) =>
  call(method, url, payload, aliceToken);

beforeAll(async () => {
  server = await startTempServer();
  expect((await call('POST', '/namespaces', { name: 'bronze.crm' })).statusCode).toBe(201);
  const table = await call('POST', '/tables', {
    name: TABLE,
    columns: [
      { name: 'id', type: 'long', required: true },
      { name: 'name', type: 'string' },
      { name: 'region', type: 'string' },
      { name: 'ssn', type: 'string' },
    ],
  });
  expect(table.statusCode, table.body).toBe(201);
});

afterAll(async () => {
  await server?.close();
});

describe('principals, groups and tokens', () => {
  it('an admin creates alice, puts her in a group and issues her a token', async () => {
    const alice = await call('POST', '/principals', { name: 'alice' });
    expect(alice.statusCode, alice.body).toBe(201);
    expect(alice.json()).toMatchObject({ name: 'alice', kind: 'user', isAdmin: false });
    expect((await call('POST', '/groups', { name: 'us_analysts' })).statusCode).toBe(201);
    const member = await call('POST', '/groups/us_analysts/members', {
      kind: 'user',
      name: 'alice',
    });
    expect(member.statusCode, member.body).toBe(200);
    expect(member.json()).toMatchObject({ members: [{ kind: 'principal', name: 'alice' }] });
    const issued = await call('POST', '/tokens', { name: 'laptop', principal: 'alice' });
    expect(issued.statusCode, issued.body).toBe(201);
    aliceToken = (issued.json() as { token: string }).token;

    const me = await asAlice('GET', '/whoami');
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({
      name: 'alice',
      groups: ['us_analysts'],
      authMethod: 'token',
    });
    expect((me.json() as { allGroups: string[] }).allGroups).toEqual(
      expect.arrayContaining(['us_analysts', 'all_users']),
    );
  });

  it('lists principals and groups for the admin', async () => {
    const principals = (await call('GET', '/principals')).json() as {
      principals: { name: string; groups: string[] }[];
    };
    expect(principals.principals.find((p) => p.name === 'alice')?.groups).toEqual(['us_analysts']);
    const groups = (await call('GET', '/groups')).json() as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toContain('us_analysts');
  });

  it('refuses alice the admin routes', async () => {
    // Like pg_roles, anyone signed in may see who exists (to grant and share); not change it.
    expect((await asAlice('GET', '/principals')).statusCode).toBe(200);
    expectErrorJson(
      await asAlice('POST', '/principals', { name: 'mallory', isAdmin: true }),
      403,
      'PERMISSION_DENIED',
    );
    expectErrorJson(
      await asAlice('POST', '/groups', { name: 'admins2' }),
      403,
      'PERMISSION_DENIED',
    );
    expectErrorJson(await asAlice('GET', '/tokens?principal=admin'), 403, 'PERMISSION_DENIED');
    expect((await asAlice('GET', '/audit')).statusCode).toBe(403);
    const selfGrant = await asAlice('POST', '/grants', {
      privileges: ['SELECT'],
      securable: { kind: 'table', name: TABLE },
      grantee: { kind: 'user', name: 'alice' },
    });
    expect([403, 404]).toContain(selfGrant.statusCode);
  });

  it('lets alice manage her own tokens, and a revoked token stops working', async () => {
    const issued = await asAlice('POST', '/tokens', { name: 'scratch' });
    expect(issued.statusCode, issued.body).toBe(201);
    const { id, token } = issued.json() as { id: string; token: string };
    const listed = (await asAlice('GET', '/tokens')).json() as { tokens: { id: string }[] };
    expect(listed.tokens.map((t) => t.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await asAlice('DELETE', `/tokens/${id}`)).statusCode).toBe(204);
    expect((await call('GET', '/whoami', undefined, token)).statusCode).toBe(401);
  });

  it('validates requests at the edge', async () => {
    expectErrorJson(
      await call('POST', '/principals', { name: 'x', kind: 'robot' }),
      400,
      'INVALID_REQUEST',
    );
    expectErrorJson(
      await call('POST', '/groups/us_analysts/members', { kind: 'team', name: 'x' }),
      400,
      'INVALID_REQUEST',
    );
  });
});

describe('grants and owners', () => {
  const grant = (privileges: string[], kind: string, name: string, path = '/grants') =>
    call('POST', path, {
      privileges,
      securable: { kind, name },
      grantee: { kind: 'user', name: 'alice' },
    });

  const aliceMay = async (privilege: string): Promise<boolean> => {
    const response = await asAlice('GET', `/access/explain?securable=table:${TABLE}`);
    expect(response.statusCode, response.body).toBe(200);
    const explained = response.json() as { privileges: { privilege: string; allowed: boolean }[] };
    return explained.privileges.find((p) => p.privilege === privilege)?.allowed === true;
  };

  it('grants and revokes, and the decision follows', async () => {
    expect(await aliceMay('SELECT')).toBe(false);
    for (const ns of ['bronze', 'bronze.crm']) {
      expect((await grant(['USAGE'], 'namespace', ns)).statusCode).toBe(200);
    }
    const granted = await grant(['SELECT', 'DESCRIBE'], 'table', TABLE);
    expect(granted.statusCode, granted.body).toBe(200);
    expect((granted.json() as { grants: unknown[] }).grants).toHaveLength(2);
    expect(await aliceMay('SELECT')).toBe(true);

    const listed = (
      await call('GET', `/grants?securable=table:${TABLE}&grantee=user:alice`)
    ).json() as {
      grants: { privilege: string; grantee: { name: string } }[];
    };
    expect(listed.grants.map((g) => g.privilege).sort()).toEqual(['DESCRIBE', 'SELECT']);

    const revoked = await grant(['SELECT'], 'table', TABLE, '/grants/revoke');
    expect(revoked.json()).toEqual({ revoked: 1 });
    expect(await aliceMay('SELECT')).toBe(false);
    expect(await aliceMay('DESCRIBE')).toBe(true);
    expect((await grant(['SELECT'], 'table', TABLE, '/grants/revoke')).json()).toEqual({
      revoked: 0,
    });
  });

  it('refuses unknown privileges and malformed names', async () => {
    expectErrorJson(await grant(['FLY'], 'table', TABLE), 400, 'INVALID_REQUEST');
    expectErrorJson(await grant(['SELECT'], 'table', 'customers'), 400, 'SECURABLE_NAME_INVALID');
    expectErrorJson(await call('GET', '/grants?securable=customers'), 400, 'INVALID_REFERENCE');
  });

  it('sets an owner', async () => {
    expect((await call('POST', '/groups', { name: 'finance' })).statusCode).toBe(201);
    const response = await call('PUT', '/owners', {
      securable: { kind: 'table', name: TABLE },
      owner: { kind: 'group', name: 'finance' },
    });
    expect(response.statusCode, response.body).toBe(204);
    const listed = (await call('GET', `/grants?securable=table:${TABLE}`)).json() as {
      grants: { privilege: string; grantee: { kind: string; name: string } }[];
    };
    expect(listed.grants).toContainEqual(
      expect.objectContaining({
        privilege: 'OWNER',
        grantee: { kind: 'group', name: 'finance' },
      }),
    );
  });
});

describe('tags and tag policies', () => {
  it('keeps tag values to the allowed ones, inherits them and lets them be removed', async () => {
    const key = await call('POST', '/tag-keys', {
      key: 'sensitivity',
      allowedValues: ['public', 'pii'],
    });
    expect(key.statusCode, key.body).toBe(201);
    const ssn = { kind: 'column', name: `${TABLE}.ssn` };
    const refused = await call('PUT', '/tags', {
      securable: ssn,
      key: 'sensitivity',
      value: 'secret',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { hint: expect.stringContaining('pii') } });

    const patched = await call('PATCH', '/tag-keys/sensitivity', { addValues: ['internal'] });
    expect(patched.json()).toMatchObject({ allowedValues: expect.arrayContaining(['internal']) });
    const nsTag = {
      securable: { kind: 'namespace', name: 'bronze.crm' },
      key: 'sensitivity',
      value: 'internal',
    };
    expect((await call('PUT', '/tags', nsTag)).statusCode).toBe(200);
    expect(
      (await call('PUT', '/tags', { securable: ssn, key: 'sensitivity', value: 'pii' })).statusCode,
    ).toBe(200);

    const onTable = (await call('GET', `/tags?securable=table:${TABLE}`)).json() as {
      tags: { key: string; value: string; inheritedFrom: { kind: string } | null }[];
    };
    expect(onTable.tags).toEqual([
      expect.objectContaining({
        key: 'sensitivity',
        value: 'internal',
        inheritedFrom: { kind: 'namespace', path: ['bronze', 'crm'] },
      }),
    ]);
    const onColumn = (await call('GET', `/tags?securable=column:${TABLE}.ssn`)).json() as {
      tags: { value: string; inheritedFrom: unknown }[];
    };
    expect(onColumn.tags).toEqual([expect.objectContaining({ value: 'pii', inheritedFrom: null })]);

    const removed = await call('DELETE', `/tags?securable=column:${TABLE}.ssn&key=sensitivity`);
    expect(removed.statusCode).toBe(204);
    const after = (await call('GET', `/tags?securable=column:${TABLE}.ssn`)).json() as {
      tags: { value: string }[];
    };
    expect(after.tags.map((t) => t.value)).toEqual(['internal']);
  });

  it('creates, lists and deletes a tag policy', async () => {
    const created = await call('POST', '/tag-policies', {
      expression: 'sensitivity IN (public, internal)',
      privileges: ['DESCRIBE'],
      grantee: { kind: 'group', name: 'us_analysts' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const listed = (await call('GET', '/tag-policies')).json() as { policies: { id: string }[] };
    expect(listed.policies.map((p) => p.id)).toContain(id);
    expect((await call('DELETE', `/tag-policies/${id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/tag-policies/${id}`)).statusCode).toBe(404);
  });
});

describe('data filters and column masks', () => {
  it('creates, grants, lists and deletes a data filter', async () => {
    const created = await call('POST', '/data-filters', {
      name: 'us_only',
      table: TABLE,
      rowPredicate: "region = 'US'",
      excludeColumns: ['ssn'],
      grantees: [{ kind: 'group', name: 'us_analysts' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      table: ['bronze', 'crm', 'customers'],
      columnMode: 'exclude',
      columns: ['ssn'],
      grantees: [{ kind: 'group', name: 'us_analysts' }],
    });
    const both = await call('POST', '/data-filters', {
      name: 'x',
      table: TABLE,
      includeColumns: ['id'],
      excludeColumns: ['ssn'],
    });
    expect(both.statusCode).toBe(400);

    const url = `/data-filters/${TABLE}/us_only/grantees`;
    const granted = await call('POST', url, { kind: 'user', name: 'alice' });
    expect((granted.json() as { grantees: unknown[] }).grantees).toHaveLength(2);
    const revoked = await call('DELETE', url, { kind: 'user', name: 'alice' });
    expect((revoked.json() as { grantees: unknown[] }).grantees).toHaveLength(1);

    const listed = (await call('GET', `/data-filters?table=${TABLE}`)).json() as {
      filters: { name: string }[];
    };
    expect(listed.filters.map((f) => f.name)).toEqual(['us_only']);
    expect((await call('DELETE', `/data-filters/${TABLE}/us_only`)).statusCode).toBe(204);
    expect((await call('GET', `/data-filters?table=${TABLE}`)).json()).toEqual({ filters: [] });
  });

  it('sets, lists and deletes a column mask', async () => {
    const set = await call('PUT', '/column-masks', {
      table: TABLE,
      column: 'ssn',
      function: 'MASK_SHOW_LAST_4',
      exempt: [{ kind: 'group', name: 'us_analysts' }],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ column: 'ssn', function: 'MASK_SHOW_LAST_4' });
    expectErrorJson(
      await call('PUT', '/column-masks', { table: TABLE, column: 'ssn', function: 'SCRAMBLE' }),
      400,
      'INVALID_REQUEST',
    );
    const missing = await call('PUT', '/column-masks', {
      table: TABLE,
      column: 'nope',
      function: 'MASK',
    });
    expect([400, 404]).toContain(missing.statusCode);

    const listed = (await call('GET', `/column-masks?table=${TABLE}`)).json() as {
      masks: { column: string }[];
    };
    expect(listed.masks.map((m) => m.column)).toEqual(['ssn']);
    expect((await call('DELETE', `/column-masks/${TABLE}/ssn`)).statusCode).toBe(204);
    expect((await call('GET', '/column-masks')).json()).toEqual({ masks: [] });
  });

  it('refuses alice the policy routes', async () => {
    const response = await asAlice('PUT', '/column-masks', {
      table: TABLE,
      column: 'ssn',
      function: 'MASK',
    });
    expect([403, 404]).toContain(response.statusCode);
  });
});

describe('OpenAPI', () => {
  it('documents the governance routes', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      '/api/v1/grants',
      '/api/v1/audit/export',
      '/api/v1/access/explain',
      '/api/v1/column-masks/{table}/{column}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
