import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createServices, initHome } from '../src/app.js';
import { parseTableName } from '../src/catalog/index.js';
import { loadConfig } from '../src/config/index.js';

describe('initHome and createServices', () => {
  let home: string;
  beforeEach(() => {
    home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-app-')), 'lakehouse');
  });
  afterEach(() => {
    fs.rmSync(path.dirname(home), { recursive: true, force: true });
  });

  it('creates a home with a commented config, the layer folders, the metastore and an admin token', async () => {
    const result = await initHome({ home, env: {} });
    expect(result.created).toBe(true);
    expect(result.adminToken?.token).toMatch(/^lw_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const yamlText = fs.readFileSync(path.join(home, 'lakeward.yaml'), 'utf8');
    expect(yamlText).toMatch(/^# /);
    expect(parseYaml(yamlText)).toMatchObject({
      server: { port: 8080 },
      query: { timeoutMs: 300000 },
    });
    for (const layer of ['bronze', 'silver', 'gold']) {
      expect(fs.statSync(path.join(home, 'warehouse', layer)).isDirectory()).toBe(true);
    }
    expect(fs.existsSync(path.join(home, 'metastore.db'))).toBe(true);

    const services = await createServices(loadConfig({ home, env: {} }));
    try {
      const top = await services.catalog.listNamespaces();
      expect(top.map((n) => n.path[0])).toEqual(['bronze', 'gold', 'silver']);
      const principal = await services.auth.authenticate(result.adminToken!.token);
      expect(principal.isAdmin).toBe(true);
    } finally {
      await services.close();
    }
  });

  it('keeps a private MASK_HASH key in the home, made again for homes from before masks', async () => {
    const { config } = await initHome({ home, env: {} });
    const keyFile = path.join(home, 'secrets', 'mask-hash.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
    const key = fs.readFileSync(keyFile, 'utf8');
    expect(key.trim()).toMatch(/^[0-9a-f]{64}$/);
    const reopened = await createServices(config);
    await reopened.close();
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
    fs.rmSync(path.dirname(keyFile), { recursive: true });
    const older = await createServices(config);
    await older.close();
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(keyFile, 'utf8')).not.toBe(key);
  });

  it('lets everyone use the layers, which alone shows nobody anything', async () => {
    const { config } = await initHome({ home, env: {} });
    const services = await createServices(config);
    try {
      const admin = {
        principal: await services.auth.localAdmin(),
        context: { channel: 'cli' as const },
      };
      const usage = await services.policies.listGrants(admin, {
        grantee: { kind: 'group', name: 'all_users' },
      });
      expect(usage.map((g) => [g.privilege, g.securable.path.join('.')]).sort()).toEqual([
        ['USAGE', 'bronze'],
        ['USAGE', 'gold'],
        ['USAGE', 'silver'],
      ]);
      await services.governed.createNamespace(admin, ['bronze', 'retail']);
      const user = await services.directory.createPrincipal(admin, { name: 'eve', kind: 'user' });
      const token = await services.auth.issueToken(user.id, 'test');
      const eve = {
        principal: await services.auth.authenticate(token.token),
        context: { channel: 'api' as const },
      };
      expect(await services.governed.listNamespaces(eve, ['bronze'])).toEqual([]);
    } finally {
      await services.close();
    }
  });

  it('is safe to run again: keeps the config, issues no new token', async () => {
    await initHome({ home, env: {} });
    const configFile = path.join(home, 'lakeward.yaml');
    fs.appendFileSync(configFile, '# edited by the user\n');
    const again = await initHome({ home, env: {} });
    expect(again.created).toBe(false);
    expect(again.adminToken).toBeUndefined();
    expect(fs.readFileSync(configFile, 'utf8')).toContain('# edited by the user');
  });

  it('records a chosen warehouse in the config file so later commands find it', async () => {
    const warehouse = path.join(path.dirname(home), 'elsewhere');
    const uri = new URL(`file://${warehouse}`).href;
    const result = await initHome({ home, env: {}, overrides: { warehouse: uri } });
    expect(result.config.warehouse).toBe(uri);
    expect(fs.existsSync(path.join(warehouse, 'bronze'))).toBe(true);
    expect(loadConfig({ home, env: {} }).warehouse).toBe(uri);
  });

  it('wires ingest, catalog and query together: a real retail CSV lands in bronze and is queryable', async () => {
    const { config } = await initHome({ home, env: {} });
    const services = await createServices(config);
    try {
      const table = parseTableName('bronze.retail.invoices');
      const file = path.resolve('../shared/data/retail/by-day/2010-12-01.csv');
      const admin = {
        principal: await services.auth.localAdmin(),
        context: { channel: 'cli' as const },
      };
      const summary = await services.ingest.ingest(admin, {
        paths: [file],
        table,
        sourceSystem: 'pos',
      });
      expect(summary.createdTable).toBe(true);
      const described = await services.catalog.describeTable(table);
      expect(described.properties).toMatchObject({ source_system: 'pos', ingest_type: 'batch' });
      expect(described.recordCount).toBe(summary.rowsWritten);

      const result = await services.query.execute(
        admin,
        'SELECT count(*) AS n FROM bronze.retail.invoices',
      );
      expect(Number(result.rows[0]![0])).toBe(summary.rowsWritten);

      await services.catalog.dropTable(table);
      expect(await services.catalog.tableExists(table)).toBe(false);
      const folder = path.join(home, 'warehouse', 'bronze', 'retail', 'invoices');
      const left = fs.existsSync(folder) ? fs.readdirSync(folder, { recursive: true }) : [];
      expect(left.filter((f) => fs.statSync(path.join(folder, String(f))).isFile())).toEqual([]);
    } finally {
      await services.close();
    }
  });
});
