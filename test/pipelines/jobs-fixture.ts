import path from 'node:path';
import { AccessGate } from '../../src/catalog/index.js';
import { AuditSystemTable } from '../../src/governance/index.js';
import type { TableIdent } from '../../src/catalog/index.js';
import { JobRunner, RunPropertyWrites, Jobs } from '../../src/pipelines/index.js';
import type { JobExecutor } from '../../src/pipelines/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';

export const ORDERS: TableIdent = { namespace: ['bronze', 'shop'], name: 'orders' };
export const CLEAN: TableIdent = { namespace: ['silver', 'shop'], name: 'orders_clean' };
export const TOTALS: TableIdent = { namespace: ['gold', 'shop'], name: 'totals' };

/** The runner as the app builds it, on the home's services. */
export function realRunner(home: GovernedHome): JobExecutor {
  const { services } = home;
  const tempDir = path.join(home.dir, 'tmp');
  return new JobRunner({
    catalog: services.catalog,
    governed: services.governed,
    query: {
      engine: services.engine,
      defaults: services.config.query,
      governance: {
        gate: new AccessGate(services.authorizer, services.audit),
        auditTable: new AuditSystemTable(services.metastore, {
          authorizer: services.authorizer,
          tempDir,
        }),
        volumes: services.volumes,
        usage: services.metastore.search,
      },
    },
    quality: services.quality,
    propertyWrites: new RunPropertyWrites({
      catalog: services.catalog,
      metadata: services.metadata,
    }),
    lineage: services.lineage,
    changes: services.changes,
    tempDir,
    writes: { memoryLimit: '256MB', targetFileSizeBytes: 1024 ** 2 },
  });
}

export interface JobsHome extends GovernedHome {
  jobs: Jobs;
  /** Waits asked for between attempts, in order. */
  sleeps: number[];
  /** Called on each wait between attempts (after it is recorded). */
  onSleep: (() => Promise<void>) | undefined;
  /** While set, attempts wait for it before running (to observe a run under way). */
  holdRuns: Promise<void> | undefined;
}

/** A governed home with bronze.shop.orders (3 rows), empty silver/gold targets and Jobs. */
export async function jobsHome(runner?: (home: GovernedHome) => JobExecutor): Promise<JobsHome> {
  const home = await governedHome();
  const { catalog } = home.services;
  await catalog.createNamespace(['bronze', 'shop']);
  await catalog.createNamespace(['silver', 'shop']);
  await catalog.createNamespace(['gold', 'shop']);
  await catalog.createTable(ORDERS, {
    columns: [
      { name: 'id', type: 'long' },
      { name: 'amount', type: 'long' },
    ],
  });
  await home.append(ORDERS, 'SELECT * FROM (VALUES (1, 10), (2, 20), (3, -5)) t(id, amount)');
  for (const ident of [CLEAN, TOTALS]) {
    await catalog.createTable(ident, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'long' },
      ],
    });
  }
  const sleeps: number[] = [];
  const result: JobsHome = {
    ...home,
    sleeps,
    onSleep: undefined,
    holdRuns: undefined,
    jobs: new Jobs({
      metastore: home.services.metastore,
      gate: new AccessGate(home.services.authorizer, home.services.audit),
      authorizer: home.services.authorizer,
      catalog: home.services.catalog,
      analyze: (sql) => home.services.engine.analyze(sql),
      runner: {
        run: async (caller, definition, runId) => {
          await result.holdRuns;
          return (runner ?? realRunner)(home).run(caller, definition, runId);
        },
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        await result.onSleep?.();
      },
    }),
  };
  return result;
}

/** A job definition over the fixture's tables. */
export function job(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    target: 'silver.shop.orders_clean',
    mode: 'append',
    sql: 'SELECT id, amount FROM bronze.shop.orders WHERE amount > 0',
    ...extra,
  };
}
