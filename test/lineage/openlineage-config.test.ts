import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome } from '../../src/app.js';
import type { Services } from '../../src/app.js';
import type { Caller } from '../../src/governance/index.js';
import type { OpenLineageRunEvent } from '../../src/lineage/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { chainRun, createChain } from './medallion-chain.js';

describe('lineage.openLineage in the configuration', () => {
  let dir: string;
  let services: Services;
  let admin: Caller;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakeward-openlineage-'));
    const file = join(dir, 'events', 'lineage.ndjson');
    const { config } = await initHome({
      home: join(dir, 'home'),
      env: {},
      overrides: { lineage: { openLineage: { file, namespace: 'acme-lakehouse' } } },
    });
    services = await createServices(config);
    admin = { principal: await services.auth.localAdmin(), context: { channel: 'cli' } };
    await createChain({ services, admin } as GovernedHome);
  });

  afterAll(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the run events of jobs to the configured file, in the configured namespace', async () => {
    const run = chainRun('silver_sales', 'COMPLETE');
    await services.lineage.recordRun(admin, run);
    const file = services.config.lineage.openLineage.file ?? '';
    const [event] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OpenLineageRunEvent);
    expect(event).toMatchObject({
      eventType: 'COMPLETE',
      run: { runId: run.runId },
      job: { namespace: 'acme-lakehouse', name: 'silver_sales' },
      inputs: [{ namespace: 'acme-lakehouse', name: 'bronze.crm.sales' }],
      outputs: [{ namespace: 'acme-lakehouse', name: 'silver.crm.sales' }],
    });
    // Events in the configured namespace link back to our tables when reported again.
    const imported = await services.lineage.importEvent(admin, event);
    expect(imported.datasets.map((d) => d.table).sort()).toEqual([
      'bronze.crm.sales',
      'silver.crm.sales',
    ]);
  });
});
