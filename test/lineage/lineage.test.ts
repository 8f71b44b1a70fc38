import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTableName } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import type { LineageGraph } from '../../src/lineage/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { chainRun, createChain, recordChain } from './medallion-chain.js';

const code = (c: string) => expect.objectContaining({ code: c });
const table = (name: string) => ({
  kind: 'table' as const,
  path: parseTableName(name).namespace.concat(parseTableName(name).name),
});

function names(graph: LineageGraph, kind: string): (string | null)[] {
  return graph.nodes
    .filter((n) => n.kind === kind)
    .map((n) => n.name)
    .sort();
}

describe('lineage of a bronze → silver → gold chain', () => {
  let home: GovernedHome;
  let analyst: Caller;

  beforeAll(async () => {
    home = await governedHome();
    await createChain(home);
    await recordChain(home.services.lineage, home.admin);
    analyst = await home.user('analyst');
    for (const name of ['bronze.crm.sales', 'gold.revenue.daily']) {
      await home.grant(['DESCRIBE'], table(name), analyst);
    }
  });

  afterAll(async () => {
    await home?.close();
  });

  it('analyzes job SQL against the catalog: names as the catalog names them, * from its columns', async () => {
    const result = await home.services.lineage.analyze(
      'SELECT * EXCLUDE (ssn) FROM BRONZE.CRM.CUSTOMER_DATA',
    );
    expect(result.tables).toEqual(['bronze.crm.customer_data']);
    expect(result.columns.map((c) => c.column)).toEqual(['customer_id', 'name', 'region']);
    await expect(home.services.lineage.analyze('SELECT * FROM bronze.crm.nope')).rejects.toEqual(
      code('TABLE_NOT_FOUND'),
    );
    // Deeper namespaces are written with a quoted middle part, named in full.
    await home.services.governed.createNamespace(home.admin, ['bronze', 'retail', 'pos']);
    await home.services.governed.createTable(
      home.admin,
      parseTableName('bronze.retail.pos.tills'),
      {
        columns: [{ name: 'till_id', type: 'long' }],
      },
    );
    const deep = await home.services.lineage.analyze(
      'SELECT till_id + 1 AS next_till FROM bronze."retail.pos".tills',
    );
    expect(deep).toEqual({
      tables: ['bronze.retail.pos.tills'],
      columns: [
        {
          column: 'next_till',
          sources: [{ table: 'bronze.retail.pos.tills', column: 'till_id' }],
          transformation: 'expression',
        },
      ],
    });
  });

  it('walks upstream table by table, as deep as asked', async () => {
    const { lineage } = home.services;
    const one = await lineage.graph(home.admin, {
      table: 'gold.revenue.customer_ltv',
      direction: 'upstream',
      depth: 1,
    });
    expect(names(one, 'table')).toEqual([
      'bronze.crm.customer_data',
      'gold.revenue.customer_ltv',
      'silver.crm.sales',
    ]);
    expect(names(one, 'job')).toEqual(['lakeward/gold_ltv']);
    expect(one.edges).toContainEqual({
      from: 'table:silver.crm.sales',
      to: 'job:lakeward/gold_ltv',
    });
    expect(one.edges).toContainEqual({
      from: 'job:lakeward/gold_ltv',
      to: 'table:gold.revenue.customer_ltv',
    });

    const two = await lineage.graph(home.admin, {
      table: 'gold.revenue.customer_ltv',
      direction: 'upstream',
      depth: 2,
    });
    expect(names(two, 'table')).toContain('bronze.crm.sales');
    expect(two.nodes.find((n) => n.name === 'bronze.crm.sales')?.depth).toBe(2);
    expect(names(two, 'job')).toEqual(['lakeward/gold_ltv', 'lakeward/silver_sales']);
  });

  it('walks downstream to every table and job', async () => {
    const graph = await home.services.lineage.graph(home.admin, {
      table: 'bronze.crm.sales',
      direction: 'downstream',
      depth: 5,
    });
    expect(names(graph, 'table')).toEqual([
      'bronze.crm.sales',
      'gold.revenue.customer_ltv',
      'gold.revenue.daily',
      'silver.crm.sales',
    ]);
    expect(names(graph, 'job')).toEqual([
      'lakeward/gold_daily',
      'lakeward/gold_ltv',
      'lakeward/silver_sales',
    ]);
  });

  it('follows one column through casts, aggregates and CTEs', async () => {
    const { lineage } = home.services;
    const down = await lineage.graph(home.admin, {
      table: 'bronze.crm.sales',
      direction: 'downstream',
      depth: 5,
      column: 'price',
    });
    const edges = down.edges.map(
      (e) => `${e.from}.${e.fromColumn} -${e.transformation}-> ${e.to}.${e.toColumn}`,
    );
    expect(edges.sort()).toEqual([
      'table:bronze.crm.sales.price -identity-> table:silver.crm.sales.price',
      'table:silver.crm.sales.price -aggregate-> table:gold.revenue.customer_ltv.ltv',
      'table:silver.crm.sales.price -aggregate-> table:gold.revenue.daily.revenue',
    ]);
    expect(down.nodes.find((n) => n.id === 'table:gold.revenue.customer_ltv')?.columns).toEqual([
      'ltv',
    ]);

    const up = await lineage.graph(home.admin, {
      table: 'gold.revenue.customer_ltv',
      direction: 'upstream',
      depth: 5,
      column: 'customer_id',
    });
    const sources = up.edges.map(
      (e) => `${e.from}.${e.fromColumn} -${e.transformation}-> ${e.toColumn}`,
    );
    expect(sources.sort()).toEqual([
      // p.customer_id is qualified: the CTE's column, not the USING partner's.
      'table:bronze.crm.sales.customer_id -expression-> customer_id',
      'table:silver.crm.sales.customer_id -identity-> customer_id',
    ]);
  });

  it('takes the current edges from the latest COMPLETE run of each job; history stays', async () => {
    const { lineage } = home.services;
    const upstreamOfDaily = async () =>
      names(
        await lineage.graph(home.admin, {
          table: 'gold.revenue.daily',
          direction: 'upstream',
          depth: 1,
        }),
        'table',
      );
    const changed = {
      sql: `SELECT s.country, s.day, sum(s.quantity * s.price) AS revenue FROM silver.crm.sales s
            JOIN bronze.crm.customer_data c USING (customer_id) GROUP BY ALL`,
      inputs: [
        { table: 'bronze.crm.customer_data', snapshotId: '1' },
        { table: 'silver.crm.sales', snapshotId: '2' },
      ],
    };
    await lineage.recordRun(
      home.admin,
      chainRun('gold_daily', 'FAIL', { ...changed, error: 'boom' }),
    );
    expect(await upstreamOfDaily()).toEqual(['gold.revenue.daily', 'silver.crm.sales']);
    await lineage.recordRun(home.admin, chainRun('gold_daily', 'COMPLETE', changed));
    expect(await upstreamOfDaily()).toEqual([
      'bronze.crm.customer_data',
      'gold.revenue.daily',
      'silver.crm.sales',
    ]);
    const runs = await lineage.runs(home.admin, 'gold_daily');
    expect(runs.map((r) => r.eventType)).toEqual(['COMPLETE', 'FAIL', 'COMPLETE']);
    expect(runs[1]?.error).toBe('boom');
    // Back to the original SQL for the other tests.
    await lineage.recordRun(home.admin, chainRun('gold_daily', 'COMPLETE'));
  });

  it('hides tables the caller may not DESCRIBE: redacted nodes, no names, no columns', async () => {
    const graph = await home.services.lineage.graph(analyst, {
      table: 'bronze.crm.sales',
      direction: 'downstream',
      depth: 5,
      column: 'price',
    });
    const text = JSON.stringify(graph);
    expect(text).not.toContain('silver');
    expect(text).not.toContain('customer_ltv');
    expect(names(graph, 'table')).toEqual(['bronze.crm.sales', 'gold.revenue.daily']);
    expect(graph.nodes.filter((n) => n.kind === 'hidden')).toEqual([
      expect.objectContaining({ name: null, depth: 1 }),
      expect.objectContaining({ name: null, depth: 2 }),
    ]);
    // The path to the visible gold table goes through the hidden silver one.
    const hiddenSilver = graph.nodes.find((n) => n.kind === 'hidden' && n.depth === 1)?.id;
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        from: hiddenSilver,
        to: 'table:gold.revenue.daily',
        toColumn: 'revenue',
      }),
    );
    expect(graph.edges.find((e) => e.from === hiddenSilver)).not.toHaveProperty('fromColumn');
    // Jobs writing hidden tables lose their names; the one writing the visible table keeps it.
    expect(names(graph, 'job')).toEqual(['lakeward/gold_daily', null, null]);
  });

  it('leaves out columns the caller may not read, as describe does', async () => {
    const partial = await home.user('partial');
    await home.grant(['DESCRIBE'], table('bronze.crm.sales'), partial);
    await home.grant(
      ['SELECT'],
      { kind: 'column', path: ['bronze', 'crm', 'sales', 'country'] },
      partial,
    );
    await home.grant(['DESCRIBE'], table('silver.crm.sales'), partial);
    const graph = await home.services.lineage.graph(partial, {
      table: 'silver.crm.sales',
      direction: 'upstream',
      depth: 1,
      column: 'price',
    });
    expect(graph.edges).toEqual([
      {
        from: 'table:bronze.crm.sales',
        to: 'table:silver.crm.sales',
        toColumn: 'price',
        transformation: 'identity',
        job: 'job:lakeward/silver_sales',
      },
    ]);
    expect(graph.nodes.find((n) => n.id === 'table:bronze.crm.sales')?.columns).toEqual([]);
    await expect(
      home.services.lineage.graph(partial, {
        table: 'bronze.crm.sales',
        direction: 'downstream',
        depth: 1,
        column: 'price',
      }),
    ).rejects.toEqual(code('COLUMN_NOT_FOUND'));
    const country = await home.services.lineage.graph(partial, {
      table: 'bronze.crm.sales',
      direction: 'downstream',
      depth: 1,
      column: 'country',
    });
    expect(country.edges).toEqual([
      expect.objectContaining({ fromColumn: 'country', toColumn: 'country' }),
    ]);
  });

  it('fails for a table the caller may not DESCRIBE exactly as for a missing one', async () => {
    const request = { direction: 'upstream' as const, depth: 1 };
    const hidden = await home.services.lineage
      .graph(analyst, { ...request, table: 'silver.crm.sales' })
      .catch((e: unknown) => e);
    const missing = await home.services.lineage
      .graph(analyst, { ...request, table: 'silver.crm.missing' })
      .catch((e: unknown) => e);
    expect(hidden).toEqual(code((missing as { code: string }).code));
    expect((hidden as Error).message.replace('sales', 'X')).toBe(
      (missing as Error).message.replace('missing', 'X'),
    );
  });

  it('names a missing column, and shows run SQL and errors to admins only', async () => {
    await expect(
      home.services.lineage.graph(home.admin, {
        table: 'gold.revenue.daily',
        direction: 'upstream',
        depth: 1,
        column: 'profit',
      }),
    ).rejects.toEqual(code('COLUMN_NOT_FOUND'));
    const asAdmin = await home.services.lineage.runs(home.admin, 'silver_sales');
    expect(asAdmin[0]?.sql).toContain('bronze.crm.sales');
    const asAnalyst = await home.services.lineage.runs(analyst, 'silver_sales');
    expect(asAnalyst.map((r) => [r.eventType, r.sql])).toEqual([['COMPLETE', null]]);
  });

  it('lists models as consumers in lineage and impact analysis, each table needing ALTER to add one', async () => {
    const { goldTables, lineage } = home.services;
    await expect(
      goldTables.addModel(analyst, 'gold.revenue.daily', { modelId: 'forecast', owner: 'ds' }),
    ).rejects.toEqual(code('PERMISSION_DENIED'));
    await goldTables.addModel(home.admin, 'gold.revenue.customer_ltv', {
      modelId: 'churn_v3',
      owner: 'data_science',
      description: 'Churn risk',
      url: 'https://mlflow.example.com/models/churn_v3',
    });
    await goldTables.addModel(home.admin, 'gold.revenue.daily', {
      modelId: 'forecast',
      owner: 'finance',
    });
    await expect(
      goldTables.addModel(home.admin, 'gold.revenue.daily', { modelId: 'forecast', owner: 'x' }),
    ).rejects.toEqual(code('LINEAGE_MODEL_EXISTS'));

    const impact = await lineage.impact(home.admin, 'bronze.crm.sales', 'quantity');
    expect(impact.tables.map((t) => [t.name, t.depth, t.columns])).toEqual([
      ['silver.crm.sales', 1, ['quantity']],
      ['gold.revenue.customer_ltv', 2, ['ltv']],
      ['gold.revenue.daily', 2, ['revenue']],
    ]);
    expect(impact.jobs.map((j) => j.name)).toEqual([
      'lakeward/gold_daily',
      'lakeward/gold_ltv',
      'lakeward/silver_sales',
    ]);
    expect(impact.consumers).toEqual(
      expect.arrayContaining([
        {
          kind: 'model',
          modelId: 'churn_v3',
          table: 'gold.revenue.customer_ltv',
          owner: 'data_science',
          description: 'Churn risk',
          url: 'https://mlflow.example.com/models/churn_v3',
        },
        expect.objectContaining({
          kind: 'model',
          modelId: 'forecast',
          table: 'gold.revenue.daily',
        }),
      ]),
    );
    // A column that feeds only the LTV table reaches only its model.
    const region = await lineage.impact(home.admin, 'bronze.crm.customer_data', 'region');
    expect(region.consumers.map((c) => (c.kind === 'model' ? c.modelId : c.name))).toEqual([
      'churn_v3',
    ]);

    // The analyst sees the impact on what it may see, and only a count of the rest.
    const seen = await lineage.impact(analyst, 'bronze.crm.sales');
    expect(seen.tables.map((t) => t.name)).toEqual(['gold.revenue.daily']);
    expect(seen.hiddenTables).toBe(2);
    expect(seen.jobs.map((j) => j.name)).toEqual(['lakeward/gold_daily']);
    expect(seen.hiddenJobs).toBe(2);
    expect(seen.consumers.map((c) => (c.kind === 'model' ? c.modelId : c.name))).toEqual([
      'forecast',
    ]);

    expect(
      (await goldTables.listModels(analyst, 'gold.revenue.daily')).map((m) => m.modelId),
    ).toEqual(['forecast']);
    await goldTables.removeModel(home.admin, 'gold.revenue.daily', 'forecast');
    await expect(
      goldTables.removeModel(home.admin, 'gold.revenue.daily', 'forecast'),
    ).rejects.toEqual(code('LINEAGE_MODEL_NOT_FOUND'));
  });

  it('declares a business metric and a feature store whose keys are the table columns', async () => {
    const { goldTables, glossary } = home.services;
    await glossary.createTerm(home.admin, {
      name: 'Customer Lifetime Value',
      definition: 'Revenue per customer, ever.',
    });
    await expect(
      goldTables.declare(home.admin, 'gold.revenue.customer_ltv', {
        featureStore: { reference: 'feast://customer_features', entityKeys: ['customer_key'] },
      }),
    ).rejects.toEqual(code('FEATURE_STORE_COLUMN_NOT_FOUND'));
    await expect(
      goldTables.declare(home.admin, 'silver.crm.sales', {
        featureStore: { reference: 'feast://x', entityKeys: ['customer_id'] },
      }),
    ).rejects.toEqual(code('NOT_A_GOLD_TABLE'));
    await expect(
      goldTables.declare(home.admin, 'gold.revenue.customer_ltv', {
        businessMetric: 'No Such Term',
      }),
    ).rejects.toBeDefined();
    const declared = await goldTables.declare(home.admin, 'gold.revenue.customer_ltv', {
      businessMetric: 'Customer Lifetime Value',
      featureStore: {
        reference: 'feast://customer_features',
        entityKeys: ['customer_id'],
        eventTimeColumn: 'last_day',
      },
    });
    expect(declared.properties).toMatchObject({
      business_metric: 'Customer Lifetime Value',
      feature_store: 'feast://customer_features',
      'feature_store.entity_keys': 'customer_id',
      'feature_store.event_time_column': 'last_day',
    });
  });
});
