import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);
const ok = (...args: string[]) => {
  const result = run(...args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

/** An OpenLineage event of a job that builds `output` from `input`, column by column. */
function event(job: string, input: string, output: string, columns: Record<string, string[]>) {
  return {
    eventType: 'COMPLETE',
    eventTime: new Date().toISOString(),
    run: { runId: randomUUID() },
    job: { namespace: 'spark', name: job },
    inputs: [{ namespace: 'lakeward', name: input }],
    outputs: [
      {
        namespace: 'lakeward',
        name: output,
        facets: {
          columnLineage: {
            fields: Object.fromEntries(
              Object.entries(columns).map(([field, sources]) => [
                field,
                {
                  inputFields: sources.map((s) => ({
                    namespace: 'lakeward',
                    name: input,
                    field: s,
                    transformations: [
                      { type: 'DIRECT', subtype: field === s ? 'IDENTITY' : 'AGGREGATION' },
                    ],
                  })),
                },
              ]),
            ),
          },
        },
      },
    ],
    producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.9.0/integration/spark',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-lineage-'));
  home = join(dir, 'lakehouse');
  ok('init');
  for (const ns of ['bronze.crm', 'silver.crm', 'gold.revenue']) ok('namespace', 'create', ns);
  ok(
    'table',
    'create',
    'bronze.crm.sales',
    '--column',
    'customer_id:long',
    '--column',
    'price:double',
  );
  ok(
    'table',
    'create',
    'silver.crm.sales',
    '--column',
    'customer_id:long',
    '--column',
    'price:double',
  );
  ok(
    'table',
    'create',
    'gold.revenue.customer_ltv',
    '--column',
    'customer_id:long',
    '--column',
    'ltv:double',
  );
  const events = join(dir, 'events.ndjson');
  writeFileSync(
    events,
    [
      event('clean_sales', 'bronze.crm.sales', 'silver.crm.sales', {
        customer_id: ['customer_id'],
        price: ['price'],
      }),
      event('customer_ltv', 'silver.crm.sales', 'gold.revenue.customer_ltv', {
        customer_id: ['customer_id'],
        ltv: ['price'],
      }),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
  expect(ok('lineage', 'import', events)).toContain('Imported COMPLETE of spark/customer_ltv');
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward lineage', () => {
  it('shows the upstream graph of a table, and of one column as JSON', () => {
    const text = ok('lineage', 'gold.revenue.customer_ltv', '--upstream', '--depth', '2');
    expect(text).toContain('bronze.crm.sales');
    expect(text).toContain('spark/clean_sales');
    const graph = JSON.parse(
      ok('lineage', 'gold.revenue.customer_ltv', '--upstream', '--column', 'ltv', '--json'),
    ) as { edges: { from: string; fromColumn: string; transformation: string }[] };
    expect(graph.edges.map((e) => `${e.from}.${e.fromColumn} ${e.transformation}`).sort()).toEqual([
      'table:bronze.crm.sales.price identity',
      'table:silver.crm.sales.price aggregate',
    ]);
  });

  it('lists models and shows them in impact analysis', () => {
    expect(
      ok(
        'lineage',
        'models',
        'add',
        'gold.revenue.customer_ltv',
        '--model',
        'churn_v3',
        '--owner',
        'data_science',
      ),
    ).toContain('Model churn_v3 consumes gold.revenue.customer_ltv');
    const models = JSON.parse(
      ok('lineage', 'models', 'list', 'gold.revenue.customer_ltv', '--json'),
    ) as {
      modelId: string;
      owner: string;
    }[];
    expect(models).toMatchObject([{ modelId: 'churn_v3', owner: 'data_science' }]);
    const impact = ok('lineage', 'impact', 'bronze.crm.sales', '--column', 'price');
    expect(impact).toMatch(/table\s+silver\.crm\.sales\s+1/);
    expect(impact).toMatch(
      /model\s+churn_v3\s+reads gold\.revenue\.customer_ltv, owner data_science/,
    );
    ok('lineage', 'models', 'remove', 'gold.revenue.customer_ltv', '--model', 'churn_v3');
    expect(ok('lineage', 'models', 'list', 'gold.revenue.customer_ltv')).toBe('(none)\n');
  });

  it('declares a feature store and explains what is wrong', () => {
    expect(
      ok(
        'lineage',
        'gold',
        'gold.revenue.customer_ltv',
        '--feature-store',
        'feast://customers',
        '--entity-keys',
        'customer_id',
      ),
    ).toContain('Declared gold.revenue.customer_ltv');
    expect(
      expectFailure(
        run(
          'lineage',
          'gold',
          'gold.revenue.customer_ltv',
          '--feature-store',
          'feast://x',
          '--entity-keys',
          'nope',
        ),
        2,
      ),
    ).toContain('no column "nope"');
    expect(expectFailure(run('lineage', 'bronze.crm.sales', '--column', 'nope'), 3)).toContain(
      'no column "nope"',
    );
  });

  it('has help with examples', () => {
    expect(ok('lineage', '--help')).toContain(
      'lineage gold.revenue.customer_ltv --upstream --depth 2',
    );
  });
});
